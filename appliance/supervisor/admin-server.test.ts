import { connect } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminServer } from './admin-server';
import type { ApplianceRecord } from './data-dir';

test('the minimal admin endpoint serves GET /api/status on loopback and 404 elsewhere', async () => {
  const record = { version: 1, running: true, services: [] } as unknown as ApplianceRecord;
  const admin = await startAdminServer(0, () => record);
  try {
    assert.match(admin.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${admin.url}/api/status`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), record);
    const missing = await fetch(`${admin.url}/api/nothing`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no route GET \/api\/nothing/);
  } finally {
    await admin.close();
  }
});

test('a malformed request target is a 4xx naming it, and the endpoint keeps serving', async () => {
  const record = { version: 1, running: true, services: [] } as unknown as ApplianceRecord;
  const admin = await startAdminServer(0, () => record);
  const port = Number(new URL(admin.url).port);
  try {
    for (const [target, expected] of [
      ['//', /^HTTP\/1\.1 404 [^]*"error":"no route GET \/\/"/],
      ['*', /^HTTP\/1\.1 400 [^]*"error":"the request target must be an absolute path, got \\"\*\\""/],
    ] as const) {
      // A raw request: fetch would normalise the target.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
      assert.match(answer, expected, answer);
    }
    assert.equal((await fetch(`${admin.url}/api/status`)).status, 200);
  } finally {
    await admin.close();
  }
});
