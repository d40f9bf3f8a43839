// Malformed requests a client (or a probe) can send: each must get a 4xx with a JSON error naming what was wrong,
// never a 5xx, an empty reply or a stack trace.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBroker, type Broker } from '../../../infra/kafka-broker';
import { BrokerInspector } from '../adapters/broker-inspector';
import { startApplianceApi, type ApplianceApi } from '../appliance-api';
import { FakeControl } from '../test-support';

let dir: string;
let broker: Broker;
let inspector: BrokerInspector;
let api: ApplianceApi;
const unexpected: unknown[] = [];

/** A request with the raw path on the wire (fetch would normalise some of the paths under test). */
function raw(method: string, path: string, body?: string): Promise<{ status: number; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: api.port, method, path, headers: { authorization: `Bearer ${api.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // Left null: the assertion below reports the text.
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-api-errors-'));
  broker = await startBroker({
    dataDir: join(dir, 'kafka'),
    defaultPartitions: 1,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await broker.createTopic('gochat.user-events', 1);
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>console</title>');
  inspector = new BrokerInspector(() => broker);
  api = await startApplianceApi({
    control: new FakeControl(['im-repo']),
    kafka: inspector,
    port: 0,
    rendererDir: () => join(dir, 'renderer'),
    onError: (error) => unexpected.push(error),
  });
});

after(async () => {
  await api.close();
  await inspector.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cases: { name: string; method: string; path: string; body?: string; status: number; names: RegExp }[] = [
  {
    name: 'malformed percent-encoding in an API path',
    method: 'GET',
    path: '/api/topics/%E0%A4%A/records',
    status: 400,
    names: /percent-encoding/,
  },
  {
    name: 'malformed percent-encoding in a console path',
    method: 'GET',
    path: '/assets/%E0%A4%A',
    status: 400,
    names: /percent-encoding/,
  },
  { name: 'a "//" path', method: 'GET', path: '//', status: 400, names: /path/ },
  { name: 'a "//api/..." path', method: 'GET', path: '//api/services', status: 400, names: /path/ },
  {
    name: 'an invalid topic name on produce',
    method: 'POST',
    path: '/api/topics/bad%20name!/records',
    body: '{"valueBase64":"eA=="}',
    status: 400,
    names: /topic name/,
  },
  {
    name: 'an invalid topic name on import',
    method: 'POST',
    path: '/api/topics/a%2Fb/import',
    body: '{"records":[]}',
    status: 400,
    names: /topic name/,
  },
  {
    name: 'CR/LF in an export file name',
    method: 'GET',
    path: '/api/topics/a%0D%0AX-Evil:%201/export',
    status: 400,
    names: /topic name/,
  },
  {
    name: 'an export of an unknown topic',
    method: 'GET',
    path: '/api/topics/no-such-topic/export',
    status: 404,
    names: /no topic "no-such-topic"/,
  },
];

for (const c of cases) {
  test(`${c.name} is a ${c.status} with a JSON error naming it`, async () => {
    const res = await raw(c.method, c.path, c.body);
    assert.equal(res.status, c.status, `${c.method} ${c.path} answered ${res.status}: ${res.text}`);
    assert.equal(typeof res.json?.error, 'string', `not a JSON error: ${res.text}`);
    assert.match(res.json.error, c.names);
    assert.doesNotMatch(res.text, /\n\s+at /, 'no stack trace');
  });
}

/** Sends a WebSocket upgrade request for `path` and returns what the server wrote before it closed. */
function upgrade(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(api.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

for (const [path, status] of [
  ['//', 400],
  ['//api/live', 400],
  ['/elsewhere', 404],
  ['/api/live', 401],
] as const) {
  test(
    `a WebSocket upgrade to ${path} is answered ${status} and closed, and the server keeps serving`,
    { timeout: 10_000 },
    async () => {
      const answer = await upgrade(path);
      assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), answer);
      assert.match(answer, /\r\n\r\n\{"error":".+"\}$/);
      assert.equal((await raw('GET', '/api/services')).status, 200);
    },
  );
}

test('none of the malformed requests was reported as a server error', () => {
  assert.deepEqual(unexpected.map(String), []);
});
