import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import { BrokerInspector } from './adapters/broker-inspector';
import { startApplianceApi, type ApplianceApi } from './appliance-api';
import { FakeControl } from './test-support';

let dir: string;
let broker: Broker;
let inspector: BrokerInspector;
let control: FakeControl;
let api: ApplianceApi;

async function get(path: string, token: string | null = api.token): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Opens /api/live and collects what it pushes; next(predicate) waits (bounded) for a matching message. */
async function openLive(): Promise<{ socket: WebSocket; next: (p: (m: any) => boolean) => Promise<any> }> {
  const socket = new WebSocket(`${api.url.replace('http', 'ws')}/api/live?token=${api.token}`);
  const seen: any[] = [];
  const waiters: { p: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    seen.push(message);
    for (const w of [...waiters]) {
      if (!w.p(message)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(message);
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (p: (m: any) => boolean) => {
    const found = seen.find(p);
    if (found) return Promise.resolve(found);
    return new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching live message within 5 s')), 5000);
      waiters.push({ p, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  };
  return { socket, next };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-api-'));
  broker = await startBroker({
    dataDir: join(dir, 'kafka'),
    defaultPartitions: 2,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  inspector = new BrokerInspector(() => broker);
  control = new FakeControl(['im-repo', 'im-logic']);
  api = await startApplianceApi({ control, kafka: inspector, port: 0, rendererDir: () => null });
});

after(async () => {
  await api.close();
  await inspector.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('console token and loopback', () => {
  test('every API call without the token, or with a wrong one, is refused with 401', async () => {
    assert.equal((await get('/api/services', null)).status, 401);
    assert.equal((await get('/api/services', 'not-the-token')).status, 401);
    assert.equal((await get(`/api/topics?token=${api.token}`, null)).status, 200, '?token= works for links');
    const ok = await get('/api/services');
    assert.equal(ok.status, 200);
  });

  test('the live WebSocket refuses a connection without the token', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/api/live`);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    assert.equal(status, 401);
  });

  test('the server listens on loopback only', async () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port: api.port });
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      assert.equal(refused, true, `port ${api.port} must not accept connections on ${external.address}`);
    }
    await assert.rejects(startApplianceApi({ control, kafka: inspector, host: '0.0.0.0' as never }), /loopback only/);
  });

  test('the console page explains how to build the UI when it is missing', async () => {
    const response = await fetch(`${api.url}/`);
    assert.equal(response.status, 503);
    assert.match(await response.text(), /npm run build:console/);
  });
});

describe('services and logs', () => {
  test('lists services, restarts one, and pushes the status change live', async () => {
    const live = await openLive();
    const hello = await live.next((m) => m.type === 'hello');
    assert.deepEqual(
      hello.services.map((s: any) => s.name),
      ['im-repo', 'im-logic'],
    );
    const result = await post('/api/services/im-logic/restart', {});
    assert.equal(result.status, 200);
    assert.deepEqual(control.calls, ['restart im-logic']);
    const pushed = await live.next((m) => m.type === 'status' && m.service.name === 'im-logic');
    assert.equal(pushed.service.restarts, 1);
    assert.equal((await post('/api/services/nope/stop', {})).status, 404);
    live.socket.close();
  });

  test('chaos controls pause, resume and kill a process, pushing each change; unknown actions are refused', async () => {
    control.calls.length = 0;
    const live = await openLive();
    await live.next((m) => m.type === 'hello');
    assert.equal((await post('/api/services/im-repo/chaos/pause', {})).status, 200);
    assert.equal((await live.next((m) => m.type === 'status' && m.service.name === 'im-repo')).service.paused, true);
    assert.equal((await post('/api/services/im-repo/chaos/resume', {})).status, 200);
    assert.equal((await post('/api/services/im-repo/chaos/kill', {})).status, 200);
    assert.deepEqual(control.calls, ['pause im-repo', 'resume im-repo', 'kill im-repo']);
    const refused = await post('/api/services/im-repo/chaos/explode', {});
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /kill, pause, resume/);
    assert.equal((await post('/api/services/nope/chaos/kill', {})).status, 404);
    live.socket.close();
  });

  test('consumer latency is set and cleared through the API; a bad value is refused naming the field', async () => {
    control.calls.length = 0;
    const live = await openLive();
    await live.next((m) => m.type === 'hello');
    const set = await post('/api/services/im-logic/chaos/latency', { ms: 300 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { ok: true, ms: 300, groups: ['im-logic'] });
    const pushed = await live.next((m) => m.type === 'status' && m.service.name === 'im-logic');
    assert.equal(pushed.service.consumerLatencyMs, 300);
    const event = await live.next((m) => m.type === 'timeline' && m.event.kind === 'latency');
    assert.equal(event.event.text, 'consumer latency 300 ms per batch');
    assert.equal((await post('/api/services/im-logic/chaos/latency', { ms: 0 })).status, 200);
    for (const bad of [{ ms: -1 }, { ms: 1.5 }, { ms: '200' }, {}]) {
      const refused = await post('/api/services/im-logic/chaos/latency', bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.match(JSON.stringify(refused.body), /field \\"ms\\" must be a whole number/);
    }
    assert.deepEqual(control.calls, ['latency im-logic 300', 'latency im-logic 0']);
    const timeline = (await get('/api/timeline')).body as { events: { kind: string; text: string }[] };
    assert.deepEqual(
      timeline.events.filter((e) => e.kind === 'latency').map((e) => e.text),
      ['consumer latency 300 ms per batch', 'consumer latency cleared'],
    );
    live.socket.close();
  });

  test('filters logs by level and search, and pushes new lines to subscribers', async () => {
    const now = Date.now();
    control.log({ service: 'im-repo', timeMs: now, level: 'info', msg: 'ready', raw: '{"msg":"ready"}' });
    control.log({ service: 'im-repo', timeMs: now, level: 'warn', msg: 'slow query', raw: '{"msg":"slow query"}' });
    control.log({ service: 'im-repo', timeMs: now, level: 'error', msg: 'disk full', raw: '{"msg":"disk full"}' });
    const warn = await get('/api/services/im-repo/logs?level=warn');
    assert.deepEqual(
      warn.body.lines.map((l: any) => l.msg),
      ['slow query', 'disk full'],
    );
    const search = await get('/api/services/im-repo/logs?q=READY');
    assert.deepEqual(
      search.body.lines.map((l: any) => l.msg),
      ['ready'],
    );
    assert.equal((await get('/api/services/im-repo/logs?level=loud')).status, 400);

    const live = await openLive();
    live.socket.send(JSON.stringify({ type: 'subscribe', logs: ['im-repo'], records: [] }));
    await live.next((m) => m.type === 'subscribed');
    control.log({ service: 'im-repo', timeMs: now, level: 'info', msg: 'pushed line', raw: '{}' });
    const line = await live.next((m) => m.type === 'log');
    assert.equal(line.line.msg, 'pushed line');
    live.socket.close();
  });
});

describe('topics and records', () => {
  test('produces a typed event, browses it decoded, filters it, tails it live and exports it', async () => {
    await broker.createTopic('gochat.user-events', 2);
    const live = await openLive();
    live.socket.send(JSON.stringify({ type: 'subscribe', logs: [], records: ['gochat.user-events'] }));
    await live.next((m) => m.type === 'subscribed');

    const produced = await post('/api/topics/gochat.user-events/records', {
      key: 'user-1',
      eventType: 'user.online',
      json: {
        meta: { eventType: 'user.online', producer: 'im-gateway/gw-1' },
        userId: 'user-1',
        gatewayId: 'gw-1',
        connId: 'c1',
      },
    });
    assert.equal(produced.status, 200, JSON.stringify(produced.body));
    await post('/api/topics/gochat.user-events/records', {
      key: 'user-2',
      eventType: 'user.offline',
      json: { meta: { eventType: 'user.offline' }, userId: 'user-2', gatewayId: 'gw-1', reason: 'closed' },
    });

    const tailed = await live.next((m) => m.type === 'records' && m.records.some((r: any) => r.key === 'user-1'));
    assert.equal(tailed.records.find((r: any) => r.key === 'user-1').eventType, 'user.online');
    const presence = await live.next((m) => m.type === 'presence');
    assert.equal(presence.change.userId, 'user-1');
    assert.equal(presence.change.status, 'online');

    const all = await get('/api/topics/gochat.user-events/records?from=oldest');
    assert.equal(all.body.records.length, 2);
    const online = all.body.records.find((r: any) => r.key === 'user-1');
    assert.equal(online.value.userId, 'user-1');
    assert.equal(online.value.gatewayId, 'gw-1');
    assert.equal(online.messageType, 'gochat.events.v1.UserOnline');
    assert.match(online.headers.traceparent, /^00-[0-9a-f]{32}-/);
    assert.ok(online.rawValue.length > 0);

    const byType = await get('/api/topics/gochat.user-events/records?from=oldest&eventType=user.offline');
    assert.deepEqual(
      byType.body.records.map((r: any) => r.key),
      ['user-2'],
    );
    const byHeader = await get(
      `/api/topics/gochat.user-events/records?from=oldest&header=traceparent=${online.traceId}`,
    );
    assert.deepEqual(
      byHeader.body.records.map((r: any) => r.key),
      ['user-1'],
    );
    const byKey = await get('/api/topics/gochat.user-events/records?from=oldest&key=user-2');
    assert.equal(byKey.body.records.length, 1);
    const future = await get(`/api/topics/gochat.user-events/records?from=time&time=${Date.now() + 60_000}`);
    assert.equal(future.body.records.length, 0);
    const past = await get(`/api/topics/gochat.user-events/records?from=time&time=${online.timestampMs}`);
    assert.ok(past.body.records.length >= 1);

    const exported = await fetch(`${api.url}/api/topics/gochat.user-events/export?from=oldest&token=${api.token}`);
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.topic === 'gochat.user-events'));

    // The export imports back: same keys, headers and values, appended again.
    const imported = await post('/api/topics/gochat.user-events/import', { records: lines });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.imported, 2);
    const again = await get('/api/topics/gochat.user-events/records?from=oldest');
    assert.equal(again.body.records.length, 4);
    const copies = again.body.records.filter((r: any) => r.key === 'user-1');
    assert.equal(copies.length, 2);
    assert.deepEqual(copies[1].value, copies[0].value);
    assert.equal(
      copies[1].headers['event-id'],
      copies[0].headers['event-id'],
      'an import keeps the event id (consumers dedup it)',
    );
    assert.equal((await post('/api/topics/gochat.user-events/import', { records: [{ rawValue: 5 }] })).status, 400);

    const bad = await post('/api/topics/gochat.user-events/records', {
      key: 'u',
      eventType: 'user.online',
      json: { userID: 'u' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /"userID"/);
    // An event the services consume is completed and checked as a publisher would: meta filled in, a key, its topic.
    assert.equal(online.value.meta.eventId, online.headers['event-id'], "meta.eventId is the record's event id");
    assert.equal(online.value.meta.eventType, 'user.online');
    assert.ok(Number(online.value.meta.occurredAtMs) > 0, 'meta.occurredAtMs is filled in');
    assert.equal(online.value.meta.producer, 'im-gateway/gw-1', 'a meta field given is kept');
    const keyless = await post('/api/topics/gochat.user-events/records', { eventType: 'user.online', json: {} });
    assert.equal(keyless.status, 400);
    assert.match(keyless.body.error, /needs a key/);
    const elsewhere = await post('/api/topics/gochat.user-events/records', {
      key: 'k',
      eventType: 'message.read',
      json: {},
    });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body.error, /belong on gochat\.message-events/);
    const rawRecord = await post('/api/topics/gochat.user-events/records', {
      eventType: 'user.online',
      json: {},
      raw: true,
    });
    assert.equal(rawRecord.status, 200, 'a raw record is produced as given, on purpose');
    const templates = (await get('/api/event-types')).body.templates;
    assert.deepEqual(Object.keys(templates['user.online']).sort(), ['connId', 'gatewayId', 'onlineAtMs', 'userId']);
    assert.equal((await get('/api/topics/nope/records')).status, 404);
    assert.equal((await get('/api/topics/gochat.user-events/records?from=sometime')).status, 400);

    const groups = await get('/api/groups');
    assert.equal(groups.status, 200);
    live.socket.close();
  });
});
