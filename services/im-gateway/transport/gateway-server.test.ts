// The gateway's HTTP + WebSocket server with in-memory fakes of its own ports behind it: real sockets, real
// frames, real HTTP requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { NotFound, PermissionDenied } from '../../../lib/errors';
import { withTraceSync } from '../../../lib/telemetry';
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { MessageDownstream } from '../../../proto/gen/gochat/events/v1/events';
import { ConnectionLifecycle } from '../domain/connection-lifecycle';
import { ConnectionRegistry } from '../domain/connection-registry';
import { ConversationSync } from '../domain/conversation-sync';
import { Delivery } from '../domain/delivery';
import { UpstreamSender } from '../domain/upstream-sender';
import { FakeEvents, FakePresence, fakeLogic } from '../testing/fakes';
import { GatewayServer } from './gateway-server';

type Frame = Record<string, any>;

class TestClient {
  readonly frames: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.pred(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  next(pred: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)),
        timeoutMs,
      );
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  sendJson(o: unknown): void {
    this.ws.send(JSON.stringify(o));
  }
}

describe('gateway HTTP + WebSocket server', () => {
  const registry = new ConnectionRegistry();
  const presence = new FakePresence();
  const events = new FakeEvents();
  const log = { warn: () => undefined, error: () => undefined, info: () => undefined };
  const logic = fakeLogic({
    addGroupMember: async () => {
      throw new PermissionDenied('only an admin may add members', { code: 'NOT_AN_ADMIN' });
    },
    markAsRead: async (req) => ({ readSeq: req.seq, advanced: true, maxSeq: 9, unreadCount: 9 - req.seq }),
    requestFriendship: async (req) => ({ outcome: req.friendId === 'asker' ? 'accepted' : 'pending' }),
    answerFriendship: async (req) => {
      if (req.fromUserId !== 'asker') throw new NotFound(`there is no friend request from ${req.fromUserId}`);
      return { accepted: req.accept };
    },
    listFriendshipRequests: async () => ({
      incoming: [
        {
          fromUser: { userId: 'asker', username: 'asker', displayName: 'Asker', createdAtMs: 1 },
          toUser: { userId: 'alice', username: 'alice', displayName: 'alice', createdAtMs: 1 },
          requestedAtMs: 5,
        },
      ],
      outgoing: [],
    }),
    getHistory: async (req) => ({
      messages: [4, 5].map((seq) => ({
        messageId: `m${seq}`,
        conversationId: req.conversationId,
        conversationType: ConversationType.CONVERSATION_TYPE_P2P,
        seq,
        senderId: 'bob',
        clientMsgId: `c${seq}`,
        contentType: 'text/plain',
        body: `b${seq}`,
        sentAtMs: 5,
      })),
      maxSeq: 5,
      hasMore: false,
    }),
  });
  const delivery = new Delivery('gw-1', registry);
  const lifecycle = new ConnectionLifecycle({
    gatewayId: 'gw-1',
    presenceTtlMs: 30_000,
    registry,
    presence,
    events,
    clock: { now: () => Date.now() },
    log,
  });
  const server = new GatewayServer({
    host: '127.0.0.1',
    port: 0,
    gatewayId: 'gw-1',
    logic,
    lifecycle,
    registry,
    sender: new UpstreamSender('gw-1', events),
    sync: new ConversationSync(logic, registry),
    pingIntervalMs: 60_000,
    log,
  });
  let base = '';
  const clients: TestClient[] = [];

  async function connect(user: string): Promise<TestClient> {
    const ws = new WebSocket(`ws://${base}/ws?token=token-${user}`);
    const client = new TestClient(ws);
    clients.push(client);
    await client.next((f) => f.type === 'hello');
    return client;
  }

  before(async () => {
    base = await server.listen();
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });

  test('a connection is greeted, recorded online, and a send goes upstream keyed by its conversation', async () => {
    const alice = await connect('alice');
    const hello = alice.frames[0]!;
    assert.equal(hello.userId, 'alice');
    assert.equal(hello.gatewayId, 'gw-1');
    assert.ok(presence.conns.get('alice')?.has(hello.connId));
    alice.sendJson({ type: 'send', id: 7, clientMsgId: 'c-1', to: { userId: 'bob' }, body: 'hi' });
    const up = await events.next((p) => p.type === 'message.upstream');
    assert.ok(up && up.type === 'message.upstream');
    assert.equal(up.key, 'p2p:alice:bob');
    assert.equal(up.event.originConnId, hello.connId);
    assert.equal(up.event.toUserId, 'bob');
    // im-logic stored it: the downstream record acks the origin connection, echoing the frame id.
    delivery.onDownstream(
      MessageDownstream.fromPartial({
        originGatewayId: 'gw-1',
        originConnId: hello.connId,
        clientMsgId: 'c-1',
        senderId: 'alice',
        recipientIds: ['alice', 'bob'],
        message: {
          messageId: 'm1',
          conversationId: 'p2p:alice:bob',
          seq: 1,
          senderId: 'alice',
          clientMsgId: 'c-1',
          body: 'hi',
        },
      }),
    );
    const ack = await alice.next((f) => f.type === 'ack');
    assert.deepEqual(ack, {
      type: 'ack',
      id: 7,
      clientMsgId: 'c-1',
      messageId: 'm1',
      conversationId: 'p2p:alice:bob',
      seq: 1,
    });
  });

  test("a send joins the client's trace; the ack and the push of its record carry the record's trace", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    alice.sendJson({
      type: 'send',
      id: 't1',
      clientMsgId: 'c-traced',
      to: { userId: 'bob' },
      body: 'hi',
      traceparent: `00-${clientTrace}-00f067aa0ba902b7-01`,
    });
    const up = await events.next((p) => p.type === 'message.upstream' && p.event.clientMsgId === 'c-traced');
    assert.ok(up.type === 'message.upstream');
    assert.equal(up.traceparent?.split('-')[1], clientTrace, "published within the client's trace");
    // The consumer hands each downstream record over within the record's own trace.
    const recordTrace = `00-${'a1'.repeat(16)}-${'b2'.repeat(8)}-01`;
    const record = MessageDownstream.fromPartial({
      originGatewayId: 'gw-1',
      originConnId: alice.frames[0]!.connId as string,
      clientMsgId: 'c-traced',
      senderId: 'alice',
      recipientIds: ['alice', 'bob'],
      message: { messageId: 'm-t', conversationId: 'p2p:alice:bob', seq: 40, senderId: 'alice', body: 'hi' },
    });
    withTraceSync(recordTrace, (r) => delivery.onDownstream(r), record);
    const ack = await alice.next((f) => f.type === 'ack' && f.id === 't1');
    assert.equal(ack.traceparent, recordTrace);
    const pushed = await bob.next((f) => f.type === 'message' && f.message.messageId === 'm-t');
    assert.equal(pushed.traceparent, recordTrace);
  });

  test('quick retries of one send get one answer each, each with its own frame id', async () => {
    const alice = await connect('alice');
    const connId = alice.frames[0]!.connId as string;
    for (const id of ['r1', 'r2', 'r3']) {
      alice.sendJson({ type: 'send', id, clientMsgId: 'c-retried', to: { userId: 'bob' }, body: 'hi' });
    }
    // Frames are taken in order, so once the ping behind them is answered all three sends have gone upstream.
    alice.sendJson({ type: 'ping', id: 'after-retries' });
    await alice.next((f) => f.type === 'pong' && f.id === 'after-retries');
    // im-logic stores the first and answers the two retries with the same message (ack only).
    for (const ackOnly of [false, true, true]) {
      delivery.onDownstream(
        MessageDownstream.fromPartial({
          originGatewayId: 'gw-1',
          originConnId: connId,
          clientMsgId: 'c-retried',
          senderId: 'alice',
          recipientIds: ackOnly ? [] : ['alice', 'bob'],
          ackOnly,
          message: { messageId: 'm-r', conversationId: 'p2p:alice:bob', seq: 2, senderId: 'alice', body: 'hi' },
        }),
      );
    }
    await alice.next((f) => f.type === 'ack' && f.id === 'r3');
    assert.deepEqual(
      alice.frames.filter((f) => f.type === 'ack').map((f) => f.id),
      ['r1', 'r2', 'r3'],
    );
  });

  test('hello is the first frame even when a push arrives while presence is being recorded', async () => {
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    presence.beforeOnline = async (userId) => {
      if (userId !== 'zoe') return;
      entered();
      await new Promise<void>((r) => (release = r));
    };
    try {
      const client = new TestClient(new WebSocket(`ws://${base}/ws?token=token-zoe`));
      clients.push(client);
      await inside;
      delivery.pushMessage(['zoe'], {
        messageId: 'm9',
        conversationId: 'p2p:alice:zoe',
        conversationType: ConversationType.CONVERSATION_TYPE_P2P,
        seq: 9,
        senderId: 'alice',
        clientMsgId: 'c9',
        contentType: 'text/plain',
        body: 'early',
        sentAtMs: 1,
      });
      release();
      await client.next((f) => f.type === 'message');
      assert.deepEqual(
        client.frames.map((f) => f.type),
        ['hello', 'message'],
      );
    } finally {
      presence.beforeOnline = async () => undefined;
    }
  });

  test('a send that cannot reach Kafka is answered with an error frame naming the clientMsgId', async () => {
    const alice = await connect('alice');
    events.failUpstream = true;
    try {
      alice.sendJson({ type: 'send', clientMsgId: 'c-2', to: { groupId: 'g1' }, body: 'hi' });
      const err = await alice.next((f) => f.type === 'error');
      assert.equal(err.code, 'UNAVAILABLE');
      assert.equal(err.clientMsgId, 'c-2');
    } finally {
      events.failUpstream = false;
    }
  });

  test('sends are pipelined: later frames are taken while the broker has not answered, in frame order', async () => {
    const alice = await connect('alice');
    let answer!: () => void;
    events.upstreamGate = new Promise((resolve) => (answer = resolve));
    try {
      for (const id of ['p-1', 'p-2', 'p-3']) {
        alice.sendJson({ type: 'send', clientMsgId: id, to: { userId: 'bob' }, body: id });
      }
      alice.sendJson({ type: 'ping', id: 'after-sends' });
      // None of the three publishes has been answered, yet all went out and the ping behind them was answered.
      const pong = await alice.next((f) => f.type === 'pong');
      assert.equal(pong.id, 'after-sends');
      await events.next((p) => p.type === 'message.upstream' && p.event.clientMsgId === 'p-3');
      assert.deepEqual(
        events.published.flatMap((p) =>
          p.type === 'message.upstream' && p.event.clientMsgId.startsWith('p-') ? [p.event.clientMsgId] : [],
        ),
        ['p-1', 'p-2', 'p-3'],
      );
    } finally {
      answer();
      events.upstreamGate = Promise.resolve();
    }
  });

  test('read and sync frames are answered, and ping gets pong', async () => {
    const alice = await connect('alice');
    alice.sendJson({ type: 'read', id: 'r1', conversationId: 'p2p:alice:bob', seq: 3 });
    const read = await alice.next((f) => f.type === 'read.ack');
    assert.deepEqual(read, {
      type: 'read.ack',
      id: 'r1',
      conversationId: 'p2p:alice:bob',
      readSeq: 3,
      advanced: true,
      maxSeq: 9,
      unreadCount: 6,
    });
    alice.sendJson({ type: 'sync', id: 's1', conversationId: 'p2p:alice:bob', fromSeq: 4 });
    const synced = await alice.next((f) => f.type === 'synced');
    assert.deepEqual(
      synced.messages.map((m: Frame) => m.seq),
      [4, 5],
    );
    alice.sendJson({ type: 'ping', id: 'p' });
    assert.deepEqual(await alice.next((f) => f.type === 'pong'), { type: 'pong', id: 'p' });
  });

  test('bad frames get error frames naming the problem, and repeated abuse closes with 1008', async () => {
    const mallory = await connect('mallory');
    mallory.sendJson({ type: 'shout', id: 1 });
    assert.equal((await mallory.next((f) => f.ref === 1)).code, 'UNKNOWN_FRAME_TYPE');
    mallory.ws.send('{not json');
    assert.equal((await mallory.next((f) => f.code === 'BAD_JSON')).type, 'error');
    mallory.sendJson({ type: 'read', id: 3, conversationId: 'p2p:a:b', seq: '5' });
    assert.match((await mallory.next((f) => f.ref === 3)).message, /"seq" must be an integer/);
    mallory.sendJson({ type: 'send', id: 4, clientMsgId: 'x', to: { userId: 'a', groupId: 'b' }, body: 'x' });
    assert.match((await mallory.next((f) => f.ref === 4)).message, /exactly one/);
    mallory.ws.send('x'.repeat(70 * 1024));
    assert.equal((await mallory.next((f) => f.code === 'PAYLOAD_TOO_LARGE')).type, 'error');
    const closed = await mallory.closed;
    assert.equal(closed.code, 1008);
    // The gateway is still serving others.
    await connect('alice');
  });

  test('a frame that is JSON but not an object is BAD_JSON, as on HTTP', async () => {
    const client = await connect('nonobject');
    for (const text of ['[1,2]', '42', 'null', '"send"']) {
      client.ws.send(text);
      const err = await client.next((f) => f.type === 'error');
      assert.equal(err.code, 'BAD_JSON', text);
      client.frames.length = 1;
    }
  });

  test('the WebSocket and HTTP paths refuse the same sends with the same codes (lib/limits.ts)', async () => {
    const client = await connect('limits');
    const auth = { Authorization: 'Bearer token-limits', 'Content-Type': 'application/json' };
    const cases: { clientMsgId: string; body: string; code: string; message: RegExp }[] = [
      { clientMsgId: 'has space', body: 'x', code: 'INVALID_ARGUMENT', message: /clientMsgId/ },
      { clientMsgId: '<script>', body: 'x', code: 'INVALID_ARGUMENT', message: /clientMsgId/ },
      { clientMsgId: 'x'.repeat(65), body: 'x', code: 'INVALID_ARGUMENT', message: /1-64/ },
      { clientMsgId: 'ok-1', body: '   ', code: 'INVALID_ARGUMENT', message: /body/ },
      // 6,000 euro signs: 6,000 characters but 18,000 bytes.
      { clientMsgId: 'ok-2', body: '\u20ac'.repeat(6000), code: 'BODY_TOO_LARGE', message: /18000 bytes/ },
    ];
    for (const [i, c] of cases.entries()) {
      client.sendJson({
        type: 'send',
        id: `lim-${i}`,
        clientMsgId: c.clientMsgId,
        to: { userId: 'bob' },
        body: c.body,
      });
      const frame = await client.next((f) => f.ref === `lim-${i}`);
      assert.equal(frame.code, c.code, `WS ${c.clientMsgId}`);
      assert.match(frame.message, c.message);
      const res = await fetch(`http://${base}/api/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ clientMsgId: c.clientMsgId, to: { userId: 'bob' }, body: c.body }),
      });
      assert.equal(res.status, 400, `HTTP ${c.clientMsgId}`);
      const { error } = (await res.json()) as Frame;
      assert.equal(error.code, c.code, `HTTP ${c.clientMsgId}`);
      assert.match(error.message, c.message);
    }
    assert.equal(logic.calls.filter((c) => c.method === 'sendMessage').length, 0, 'no refused send reached im-logic');
    assert.equal(
      events.published.filter((p) => p.type === 'message.upstream' && p.event.senderId === 'limits').length,
      0,
      'no refused send reached Kafka',
    );
  });

  test('a malformed traceparent is ignored on a frame, as on HTTP: the frame is still answered', async () => {
    const client = await connect('tracer');
    client.sendJson({ type: 'ping', id: 'tp', traceparent: 'not-a-trace' });
    assert.deepEqual(await client.next((f) => f.id === 'tp'), { type: 'pong', id: 'tp' });
    const res = await fetch(`http://${base}/api/me`, {
      headers: { Authorization: 'Bearer token-tracer', traceparent: 'not-a-trace' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('traceparent') ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  test('a connection whose token expires is closed with 4001', { timeout: 10_000 }, async () => {
    // The fake token carries its expiry: a moment from now.
    const token = `token-shortlived@${Date.now() + 300}`;
    const client = new TestClient(new WebSocket(`ws://${base}/ws?token=${encodeURIComponent(token)}`));
    clients.push(client);
    await client.next((f) => f.type === 'hello');
    const closed = await client.closed;
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /token expired/);
  });

  test('friendship by consent over HTTP: ask (202), list pending requests, answer', async () => {
    const auth = { Authorization: 'Bearer token-alice', 'Content-Type': 'application/json' };
    const post = (path: string, body: unknown) =>
      fetch(`http://${base}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    let res = await post('/api/friends', { userId: 'bob' });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { status: 'pending' });
    // Asking someone who had asked you is the consent: friends at once.
    res = await post('/api/friends', { userId: 'asker' });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { status: 'friends' });
    res = await fetch(`http://${base}/api/friends/requests`, { headers: auth });
    assert.deepEqual(await res.json(), {
      incoming: [
        {
          user: { userId: 'asker', username: 'asker', displayName: 'Asker', createdAtMs: 1 },
          requestedAtMs: 5,
        },
      ],
      outgoing: [],
    });
    res = await post('/api/friends/requests/asker', { accept: true });
    assert.deepEqual([res.status, await res.json()], [200, { accepted: true }]);
    res = await post('/api/friends/requests/nobody', { accept: true });
    assert.equal(res.status, 404);
    res = await post('/api/friends/requests/asker', { accept: 'yes' });
    assert.equal(res.status, 400);
  });

  test('a friend request signal is framed with who asked whom', async () => {
    const bob = await connect('bob');
    delivery.pushSignal(['bob'], {
      signalType: 'friend.request.received',
      cause: undefined,
      payload: {
        $case: 'friendRequestChanged',
        value: { fromUserId: 'alice', toUserId: 'bob', status: 'pending', changedAtMs: 9 },
      },
    });
    const signal = await bob.next((f) => f.type === 'signal');
    assert.equal(signal.signalType, 'friend.request.received');
    assert.deepEqual(signal.payload, { fromUserId: 'alice', toUserId: 'bob', status: 'pending', changedAtMs: 9 });
  });

  test('a bad token is refused before the upgrade', async () => {
    const ws = new WebSocket(`ws://${base}/ws?token=forged`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(status, 401);
  });

  test('HTTP errors: 404, 401, 400 bad JSON, 413 oversize, 403 with the logic code', async () => {
    const get = (path: string, init?: RequestInit) => fetch(`http://${base}${path}`, init);
    const auth = { Authorization: 'Bearer token-alice', 'Content-Type': 'application/json' };
    let res = await get('/api/nowhere', { headers: auth });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as Frame).error.code, 'NOT_FOUND');
    res = await get('/api/me');
    assert.equal(res.status, 401);
    res = await get('/api/me', { headers: auth });
    assert.deepEqual(((await res.json()) as Frame).user.userId, 'alice');
    res = await get('/api/groups/g1/members', { method: 'POST', headers: auth, body: '{"userId":' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Frame).error.code, 'BAD_JSON');
    res = await get('/api/messages', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ body: 'x'.repeat(70_000) }),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as Frame).error.code, 'PAYLOAD_TOO_LARGE');
    res = await get('/api/groups/g1/members', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ userId: 'bob' }),
    });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: { code: 'NOT_AN_ADMIN', message: 'only an admin may add members' } });
    res = await get('/api/conversations/nonsense/read', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ seq: 1 }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as Frame).error.message, /conversationId/);
  });
});
