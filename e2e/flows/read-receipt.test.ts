// Flow 3: MarkAsRead over HTTP moves the reader's pointer in user_read_pointers, publishes message.read on
// gochat.message-events, and the sender receives "message.receipt.updated". The pointer only moves forward and
// never past the conversation's max seq.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, waitUntil, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('read receipts', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('reading forward notifies the sender; reading backwards changes nothing; reading past the end is capped', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const alice = await TestUser.register(gw, 'alice');
    const bob = await TestUser.register(gw, 'bob');
    await alice.befriend(bob);
    const aliceWs = await alice.connect();
    const bobWs = await bob.connect();
    let conversationId = '';
    for (const body of ['one', 'two', 'three'])
      conversationId = (await aliceWs.sendAndAck({ userId: bob.userId }, body)).conversationId;
    await bobWs.waitForCount((f) => f.type === 'message', 3, { what: 'three messages' });
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/read`;
    const pointer = () =>
      sys
        .db()
        .prepare('SELECT read_seq FROM user_read_pointers WHERE user_id = ? AND conversation_id = ?')
        .get(bob.userId, conversationId) as { read_seq: number } | undefined;

    // The conversation list is indexed by im-task from the persist topic, a moment after delivery.
    const unreadOf = async () =>
      (await bob.call('GET', '/api/conversations')).body.conversations.find(
        (c: any) => c.conversationId === conversationId,
      )?.unreadCount;
    assert.ok(await waitUntil(async () => (await unreadOf()) === 3), 'bob has three unread messages');

    const read2 = await bob.call('POST', path, { seq: 2 });
    assert.equal(read2.status, 200);
    assert.deepEqual(read2.body, { readSeq: 2, advanced: true, maxSeq: 3, unreadCount: 1 });
    assert.equal(pointer()?.read_seq, 2);
    const event = await sys.waitForEvent(
      'gochat.message-events',
      'message.read',
      (e) => e.message.readerId === bob.userId,
    );
    assert.equal(event.key, conversationId, 'message events are keyed by conversation id');
    assert.equal(event.message.readSeq, 2);
    assert.equal(event.message.previousReadSeq, 0);
    const receipt = await aliceWs.waitFor((f) => f.type === 'signal' && f.signalType === 'message.receipt.updated', {
      what: 'receipt at alice',
    });
    assert.deepEqual(
      {
        conversationId: receipt.payload.conversationId,
        readerId: receipt.payload.readerId,
        readSeq: receipt.payload.readSeq,
      },
      { conversationId, readerId: bob.userId, readSeq: 2 },
    );

    const backwards = await bob.call('POST', path, { seq: 1 });
    assert.equal(backwards.status, 200);
    assert.equal(backwards.body.readSeq, 2);
    assert.equal(backwards.body.advanced, false);
    assert.equal(pointer()?.read_seq, 2, 'reading backwards does not move the pointer');

    const beyond = await bob.call('POST', path, { seq: 99 });
    assert.equal(beyond.status, 200);
    assert.equal(beyond.body.readSeq, 3, 'reading past the max seq is capped at it');
    assert.equal(beyond.body.unreadCount, 0);
    assert.equal(pointer()?.read_seq, 3);
    await aliceWs.waitFor(
      (f) => f.type === 'signal' && f.signalType === 'message.receipt.updated' && f.payload.readSeq === 3,
      {
        what: 'receipt for seq 3',
      },
    );

    const reads = (await sys.readEvents('gochat.message-events', 'message.read')).filter(
      (e) => e.message.readerId === bob.userId,
    );
    assert.deepEqual(
      reads.map((e) => e.message.readSeq),
      [2, 3],
      'only forward moves are published',
    );
    assert.deepEqual(
      aliceWs.received((f) => f.signalType === 'message.receipt.updated').map((f) => f.payload.readSeq),
      [2, 3],
    );

    // The same over the WebSocket "read" frame: answered with read.ack.
    bobWs.sendFrame({ type: 'read', id: 'r1', conversationId, seq: 3 });
    const readAck = await bobWs.waitFor((f) => f.type === 'read.ack' && f.id === 'r1', { what: 'read.ack' });
    assert.equal(readAck.readSeq, 3);
    assert.equal(readAck.advanced, false);
  });
});
