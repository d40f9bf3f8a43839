// Two gateways: users held by different gateways message each other, see each other's presence and receipts.
// Pushes from im-task reach whichever gateway holds the user; downstream records are consumed by both gateways
// (one consumer group each) and each pushes only to its own connections.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { redisEntriesAbout } from '../support/redis-presence';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('two gateways', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 2 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('messages, presence and receipts cross gateways', async () => {
    const [gw1, gw2] = sys.gateways.map((g) => g.httpAddress) as [string, string];
    const alice = await TestUser.register(gw1, 'alice');
    const bob = await TestUser.register(gw2, 'bob');
    await alice.befriend(bob);

    const bobWs = await bob.connect(gw2);
    assert.equal(bobWs.hello.gatewayId, 'gw-2');
    const aliceWs = await alice.connect(gw1);
    assert.equal(aliceWs.hello.gatewayId, 'gw-1');

    const online = await bobWs.waitFor(
      (f) => f.type === 'signal' && f.signalType === 'friend.status.changed' && f.payload.userId === alice.userId,
      { what: 'alice online at bob (other gateway)' },
    );
    assert.equal(online.payload.status, 'online');
    const aliceEntries = (await redisEntriesAbout(sys.redis(), alice.userId)).flatMap((e) => [e.key, ...e.contents]);
    const bobEntries = (await redisEntriesAbout(sys.redis(), bob.userId)).flatMap((e) => [e.key, ...e.contents]);
    assert.ok(aliceEntries.some((v) => v.includes('gw-1')) && !aliceEntries.some((v) => v.includes('gw-2')));
    assert.ok(bobEntries.some((v) => v.includes('gw-2')) && !bobEntries.some((v) => v.includes('gw-1')));

    const ack = await aliceWs.sendAndAck({ userId: bob.userId }, 'across gateways');
    const atBob = await bobWs.waitFor((f) => f.type === 'message' && f.message.messageId === ack.messageId, {
      what: 'message at bob',
    });
    assert.equal(atBob.message.body, 'across gateways');
    const reply = await bobWs.sendAndAck({ userId: alice.userId }, 'and back');
    assert.equal(reply.seq, 2);
    await aliceWs.waitFor((f) => f.type === 'message' && f.message.messageId === reply.messageId, {
      what: 'reply at alice',
    });

    const read = await bob.call('POST', `/api/conversations/${encodeURIComponent(ack.conversationId)}/read`, {
      seq: 2,
    });
    assert.equal(read.status, 200);
    const receipt = await aliceWs.waitFor((f) => f.type === 'signal' && f.signalType === 'message.receipt.updated', {
      what: 'receipt at alice',
    });
    assert.equal(receipt.payload.readerId, bob.userId);
    assert.equal(receipt.payload.readSeq, 2);

    // Each message reached each connection once, although both gateways consumed every downstream record.
    assert.deepEqual(
      bobWs.received((f) => f.type === 'message').map((f) => f.message.seq),
      [1],
    );
    assert.deepEqual(
      aliceWs.received((f) => f.type === 'message').map((f) => f.message.seq),
      [2],
    );

    await bobWs.close();
    const offline = await aliceWs.waitFor(
      (f) => f.type === 'signal' && f.signalType === 'friend.status.changed' && f.payload.status === 'offline',
      { what: 'bob offline at alice' },
    );
    assert.equal(offline.payload.userId, bob.userId);
  });
});
