// What a misbehaving client gets from a real gateway (with real im-logic behind it): error frames and HTTP errors
// naming the problem, and a gateway that keeps serving everyone else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { checkHealth, ServingStatus } from '../../lib/grpc';
import { api, TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('gateway bad input', { skip }, () => {
  let sys: RunningSystem;
  let gw: string;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
    gw = sys.gateways[0]!.httpAddress;
  });
  after(async () => {
    await sys?.stop();
  });

  test('bad frames get error frames; the connection survives a few and is closed with 1008 after repeated abuse', async () => {
    const mallory = await TestUser.register(gw, 'mallory');
    const ws = await mallory.connect();
    ws.sendFrame({ type: 'teleport', id: 1 });
    assert.equal((await ws.waitFor((f) => f.type === 'error' && f.ref === 1)).code, 'UNKNOWN_FRAME_TYPE');
    ws.sendFrame({ type: 'send', id: 2, clientMsgId: 42, to: { userId: 'x' }, body: 'hi' });
    const wrongType = await ws.waitFor((f) => f.type === 'error' && f.ref === 2);
    assert.equal(wrongType.code, 'INVALID_FRAME');
    assert.match(wrongType.message, /clientMsgId/);
    ws.ws.send('x'.repeat(65 * 1024 + 1));
    assert.equal((await ws.waitFor((f) => f.code === 'PAYLOAD_TOO_LARGE')).type, 'error');
    ws.sendFrame({ type: 'ping', id: 'still-alive' });
    await ws.waitFor((f) => f.type === 'pong' && f.id === 'still-alive', { what: 'pong after bad frames' });
    ws.ws.send('{"type":');
    ws.ws.send('[]');
    const closed = await ws.closed;
    assert.equal(closed.code, 1008);
    // The gateway still serves other clients.
    const other = await (await TestUser.register(gw, 'other')).connect();
    other.sendFrame({ type: 'ping', id: 1 });
    await other.waitFor((f) => f.type === 'pong');
  });

  test('sending to an unknown conversation or a group one is not in is refused by im-logic', async () => {
    const eve = await TestUser.register(gw, 'eve');
    const owner = await TestUser.register(gw, 'owner');
    const groupId = await owner.createGroup('private', []);
    const ws = await eve.connect();
    const unknown = ws.send({ groupId: `no-such-group-${randomUUID().slice(0, 8)}` }, 'hello?');
    assert.equal((await ws.waitFor((f) => f.type === 'error' && f.clientMsgId === unknown)).code, 'NOT_FOUND');
    const notMine = ws.send({ groupId }, 'let me in');
    assert.equal((await ws.waitFor((f) => f.type === 'error' && f.clientMsgId === notMine)).code, 'NOT_A_MEMBER');
    ws.sendFrame({ type: 'sync', id: 's', conversationId: `group:${groupId}`, fromSeq: 1 });
    const sync = await ws.waitFor((f) => f.type === 'error' && f.ref === 's');
    assert.equal(sync.code, 'NOT_A_MEMBER');
    ws.sendFrame({ type: 'read', id: 'r', conversationId: 'p2p:nonsense', seq: 1 });
    assert.equal((await ws.waitFor((f) => f.type === 'error' && f.ref === 'r')).code, 'INVALID_ARGUMENT');
    const history = await eve.call('GET', `/api/conversations/${encodeURIComponent(`group:${groupId}`)}/messages`);
    assert.equal(history.status, 403);
    assert.equal(history.body.error.code, 'NOT_A_MEMBER');
  });

  test('HTTP: unknown route, bad JSON, oversize body, missing and forged tokens', async () => {
    const user = await TestUser.register(gw, 'httpuser');
    const notFound = await api(gw, 'GET', '/api/teleport', { token: user.token });
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.error.code, 'NOT_FOUND');
    const badJson = await api(gw, 'POST', '/api/friends', { token: user.token, rawBody: '{"userId": ' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, 'BAD_JSON');
    const wrongField = await api(gw, 'POST', '/api/conversations/group:x/read', {
      token: user.token,
      body: { seq: 'ten' },
    });
    assert.equal(wrongField.status, 400);
    assert.match(wrongField.body.error.message, /"seq"/);
    const huge = await api(gw, 'POST', '/api/messages', { token: user.token, body: { body: 'x'.repeat(100_000) } });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal((await api(gw, 'GET', '/api/me')).status, 401);
    assert.equal((await api(gw, 'GET', '/api/me', { token: 'forged.token' })).status, 401);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${gw}/ws?token=forged`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(refused, 401);
    const health = await api(gw, 'GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const grpcAddress = sys.gateways[0]!.grpcAddress;
    assert.equal(await checkHealth(grpcAddress), ServingStatus.SERVING);
    assert.equal(await checkHealth(grpcAddress, 'gochat.gateway.v1.PusherService'), ServingStatus.SERVING);
  });
});
