// Flow 2: a message between friends. The sender gets an ack with its clientMsgId, the message id and the seq; the
// recipient gets the message; the row is in SQLite; a retry with the same clientMsgId is stored once and acked
// with the original seq.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, waitUntil, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

interface MessageRow {
  message_id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string;
  body: string;
}

describe('sending between friends', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('ack to the sender, message to the recipient, one row; a retry is stored once with the original seq', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const alice = await TestUser.register(gw, 'alice');
    const bob = await TestUser.register(gw, 'bob');
    await alice.befriend(bob);
    const aliceWs = await alice.connect();
    const bobWs = await bob.connect();
    const conversationId =
      alice.userId < bob.userId ? `p2p:${alice.userId}:${bob.userId}` : `p2p:${bob.userId}:${alice.userId}`;

    const clientMsgId = randomUUID();
    const ack = await aliceWs.sendAndAck({ userId: bob.userId }, 'hello bob', clientMsgId);
    assert.equal(ack.clientMsgId, clientMsgId);
    assert.equal(ack.conversationId, conversationId);
    assert.equal(ack.seq, 1);
    assert.ok(ack.messageId);

    const pushed = await bobWs.waitFor((f) => f.type === 'message' && f.message.messageId === ack.messageId, {
      what: 'the message at bob',
    });
    assert.equal(pushed.message.body, 'hello bob');
    assert.equal(pushed.message.senderId, alice.userId);
    assert.equal(pushed.message.seq, 1);
    assert.equal(pushed.message.conversationType, 'p2p');
    assert.equal(
      aliceWs.received((f) => f.type === 'message').length,
      0,
      'the sender is acked, not pushed its own message',
    );

    const upstream = await sys.waitForEvent(
      'gochat.messages.upstream',
      'message.upstream',
      (e) => e.message.clientMsgId === clientMsgId,
    );
    assert.equal(upstream.key, conversationId, 'upstream records are keyed by conversation id');
    assert.equal(upstream.message.originGatewayId, 'gw-1');
    assert.equal(upstream.message.originConnId, aliceWs.connId);

    // im-logic marks the message dispatched once its delivery is published; a retry after that only re-acks.
    const dispatched = () =>
      sys.db().prepare('SELECT dispatched_at_ms FROM messages WHERE message_id = ?').get(ack.messageId) as
        { dispatched_at_ms: number | null } | undefined;
    assert.ok(await waitUntil(() => dispatched()?.dispatched_at_ms != null), 'the message is marked dispatched');

    // The client did not see the ack (say the connection dropped) and sends again with the same clientMsgId.
    const retryAck = await aliceWs.sendAndAck({ userId: bob.userId }, 'hello bob', clientMsgId);
    assert.deepEqual(
      { messageId: retryAck.messageId, seq: retryAck.seq, conversationId: retryAck.conversationId },
      { messageId: ack.messageId, seq: 1, conversationId },
    );
    const downstream = (await sys.readEvents('gochat.messages.downstream', 'message.downstream')).filter(
      (e) => e.message.clientMsgId === clientMsgId,
    );
    assert.equal(downstream.length, 2);
    assert.ok(downstream.every((e) => e.key === conversationId));
    assert.deepEqual(
      downstream.map((e) => e.message.ackOnly),
      [false, true],
      'the retry goes downstream as ack_only',
    );

    // A later message proves nothing more arrived for the retried one (frames of one conversation are in order).
    const next = await aliceWs.sendAndAck({ userId: bob.userId }, 'second', randomUUID());
    assert.equal(next.seq, 2);
    await bobWs.waitFor((f) => f.type === 'message' && f.message.seq === 2, { what: 'second message' });
    assert.deepEqual(
      bobWs.received((f) => f.type === 'message').map((f) => f.message.seq),
      [1, 2],
      'bob received each message exactly once',
    );

    const rows = sys
      .db()
      .prepare(
        'SELECT message_id, conversation_id, seq, sender_id, client_msg_id, body FROM messages WHERE conversation_id = ? ORDER BY seq',
      )
      .all(conversationId) as MessageRow[];
    assert.deepEqual(
      rows.map((r) => [r.seq, r.client_msg_id, r.body, r.sender_id]),
      [
        [1, clientMsgId, 'hello bob', alice.userId],
        [2, next.clientMsgId, 'second', alice.userId],
      ],
    );
    assert.equal(rows[0]!.message_id, ack.messageId);

    // The same message over HTTP takes the same path: stored once, duplicate recognised.
    const httpMsgId = randomUUID();
    const sent = await alice.call('POST', '/api/messages', {
      clientMsgId: httpMsgId,
      to: { userId: bob.userId },
      body: 'via http',
    });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.message.seq, 3);
    await bobWs.waitFor((f) => f.type === 'message' && f.message.seq === 3, { what: 'the HTTP-sent message' });
    const again = await alice.call('POST', '/api/messages', {
      clientMsgId: httpMsgId,
      to: { userId: bob.userId },
      body: 'via http',
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.message.seq, 3);
  });

  test('a client traceparent is followed through upstream, downstream, the ack and the push', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const erin = await TestUser.register(gw, 'erin');
    const frank = await TestUser.register(gw, 'frank');
    await erin.befriend(frank);
    const erinWs = await erin.connect();
    const frankWs = await frank.connect();
    const traceId = randomUUID().replace(/-/g, '');
    const clientMsgId = randomUUID();
    erinWs.sendFrame({
      type: 'send',
      clientMsgId,
      to: { userId: frank.userId },
      body: 'traced',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const ack = await erinWs.waitFor((f) => f.type === 'ack' && f.clientMsgId === clientMsgId, { what: 'ack' });
    const pushed = await frankWs.waitFor((f) => f.type === 'message' && f.message.clientMsgId === clientMsgId, {
      what: 'push',
    });
    const traceOf = (tp: unknown) => String(tp).split('-')[1];
    assert.equal(traceOf(ack.traceparent), traceId, 'the ack carries the trace');
    assert.equal(traceOf(pushed.traceparent), traceId, 'the push carries the trace');
    const upstream = await sys.waitForEvent(
      'gochat.messages.upstream',
      'message.upstream',
      (e) => e.message.clientMsgId === clientMsgId,
    );
    assert.equal(traceOf(upstream.headers.traceparent), traceId);
    const downstream = await sys.waitForEvent(
      'gochat.messages.downstream',
      'message.downstream',
      (e) => e.message.clientMsgId === clientMsgId,
    );
    assert.equal(traceOf(downstream.headers.traceparent), traceId);
  });

  test('friends over HTTP: listed, searchable, and after removal messages are refused', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const gina = await TestUser.register(gw, 'gina');
    const hal = await TestUser.register(gw, 'hal');
    await gina.befriend(hal);
    const listed = await hal.call('GET', '/api/friends');
    assert.deepEqual(
      listed.body.friends.map((f: any) => f.user.userId),
      [gina.userId],
      'friendship is mutual',
    );
    const found = await gina.call('GET', `/api/users?query=${encodeURIComponent(hal.username)}`);
    assert.equal(found.status, 200);
    assert.deepEqual(
      found.body.users.map((u: any) => u.userId),
      [hal.userId],
    );
    const me = await gina.call('GET', '/api/me');
    assert.equal(me.body.user.username, gina.username);
    const removed = await gina.call('DELETE', `/api/friends/${hal.userId}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.removed, true);
    assert.deepEqual((await hal.call('GET', '/api/friends')).body.friends, []);
    const ginaWs = await gina.connect();
    const clientMsgId = ginaWs.send({ userId: hal.userId }, 'still there?');
    const err = await ginaWs.waitFor((f) => f.type === 'error' && f.clientMsgId === clientMsgId, { what: 'refusal' });
    assert.equal(err.code, 'NOT_FRIENDS');
  });

  test('sending to someone who is not a friend is refused with an error frame and stores nothing', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const carol = await TestUser.register(gw, 'carol');
    const dave = await TestUser.register(gw, 'dave');
    const carolWs = await carol.connect();
    const clientMsgId = randomUUID();
    carolWs.send({ userId: dave.userId }, 'hi stranger', clientMsgId);
    const err = await carolWs.waitFor((f) => f.type === 'error' && f.clientMsgId === clientMsgId, {
      what: 'error frame',
    });
    assert.equal(err.code, 'NOT_FRIENDS');
    const count = sys.db().prepare('SELECT COUNT(*) AS n FROM messages WHERE client_msg_id = ?').get(clientMsgId) as {
      n: number;
    };
    assert.equal(count.n, 0);
  });
});
