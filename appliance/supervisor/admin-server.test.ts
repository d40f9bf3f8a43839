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
