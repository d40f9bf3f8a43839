// A client disconnects, messages arrive meanwhile, it reconnects and pulls exactly what it missed by seq, over the
// WebSocket "sync" frame and over HTTP history.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, waitUntil, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('catch-up after a reconnect', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('the reconnected client pulls exactly the messages it missed', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const alice = await TestUser.register(gw, 'alice');
    const bob = await TestUser.register(gw, 'bob');
    await alice.befriend(bob);
    const aliceWs = await alice.connect();
    let bobWs = await bob.connect();

    let conversationId = '';
    for (let i = 1; i <= 3; i++)
      conversationId = (await aliceWs.sendAndAck({ userId: bob.userId }, `before ${i}`)).conversationId;
    await bobWs.waitForCount((f) => f.type === 'message', 3, { what: 'the first three messages' });
    const lastSeen = Math.max(...bobWs.received((f) => f.type === 'message').map((f) => f.message.seq as number));
    assert.equal(lastSeen, 3);

    await bobWs.close();
    await sys.waitForEvent('gochat.user-events', 'user.offline', (e) => e.message.userId === bob.userId);
    const missed: number[] = [];
    for (let i = 1; i <= 4; i++)
      missed.push((await aliceWs.sendAndAck({ userId: bob.userId }, `while away ${i}`)).seq as number);
    assert.deepEqual(missed, [4, 5, 6, 7]);

    bobWs = await bob.connect();
    // The conversation list tells the client how far the conversation has got (indexed by im-task a moment after
    // each message is stored).
    const maxSeqOf = async () =>
      (await bob.call('GET', '/api/conversations')).body.conversations.find(
        (c: any) => c.conversationId === conversationId,
      )?.maxSeq;
    assert.ok(await waitUntil(async () => (await maxSeqOf()) === 7), 'the conversation list shows max seq 7');

    bobWs.sendFrame({ type: 'sync', id: 'catch-up', conversationId, fromSeq: lastSeen + 1 });
    const synced = await bobWs.waitFor((f) => f.type === 'synced' && f.id === 'catch-up', { what: 'synced' });
    assert.deepEqual(
      synced.messages.map((m: any) => [m.seq, m.body]),
      [
        [4, 'while away 1'],
        [5, 'while away 2'],
        [6, 'while away 3'],
        [7, 'while away 4'],
      ],
    );
    assert.equal(synced.maxSeq, 7);
    assert.equal(synced.hasMore, false);

    const history = await bob.call(
      'GET',
      `/api/conversations/${encodeURIComponent(conversationId)}/messages?from_seq=4&limit=2`,
    );
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.messages.map((m: any) => m.seq),
      [4, 5],
    );
    assert.equal(history.body.hasMore, true);

    // New traffic after the catch-up flows as pushes again, continuing the seq without a gap.
    const next = await aliceWs.sendAndAck({ userId: bob.userId }, 'after');
    assert.equal(next.seq, 8);
    await bobWs.waitFor((f) => f.type === 'message' && f.message.seq === 8, { what: 'seq 8 push' });
    assert.deepEqual(
      bobWs.received((f) => f.type === 'message').map((f) => f.message.seq),
      [8],
      'nothing missed was pushed twice',
    );
  });
});
