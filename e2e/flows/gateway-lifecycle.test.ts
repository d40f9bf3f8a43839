// A gateway that crashes cannot say goodbye: its users' presence expires and a surviving gateway's heartbeat
// publishes them offline with reason "expired". A gateway that shuts down does say goodbye: close 1001 to its
// clients, and its users offline with reason "gateway_shutdown". Either way friends are told. A gateway that
// restarts with the same id resumes its downstream consumer group; its clients reconnect and catch up by seq.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { redisEntriesAbout } from '../support/redis-presence';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('gateway crash and shutdown', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    // A short presence TTL so that a crashed gateway's connections expire within the test.
    sys = await startSystem({ gateways: 2, presenceTtlMs: 2000 });
  });
  after(async () => {
    await sys?.stop();
  });

  test("a crashed gateway's users expire; a stopped gateway's users go offline at once", async () => {
    const [gw1, gw2] = [sys.gateways[0]!, sys.gateways[1]!];
    const alice = await TestUser.register(gw1.httpAddress, 'alice');
    const bob = await TestUser.register(gw1.httpAddress, 'bob');
    await alice.befriend(bob);
    // bob first: alice's online is only pushed to friends connected when it happens.
    const bobWs = await bob.connect(gw2.httpAddress);
    const aliceWs = await alice.connect(gw1.httpAddress);
    await bobWs.waitFor((f) => f.signalType === 'friend.status.changed' && f.payload.userId === alice.userId, {
      what: 'alice online at bob',
    });

    gw1.process.kill(); // SIGKILL: no goodbye, no SetUserOffline
    await aliceWs.closed;
    const expired = await sys.waitForEvent(
      'gochat.user-events',
      'user.offline',
      (e) => e.message.userId === alice.userId,
      20_000,
    );
    assert.equal(expired.message.reason, 'expired');
    assert.equal(expired.message.gatewayId, 'gw-2', 'the surviving gateway reported the expiry');
    const signal = await bobWs.waitFor(
      (f) =>
        f.signalType === 'friend.status.changed' && f.payload.userId === alice.userId && f.payload.status === 'offline',
      { what: 'alice offline at bob' },
    );
    assert.equal(signal.cause.eventType, 'user.offline');
    const aliceLeft = (await redisEntriesAbout(sys.redis(), alice.userId)).flatMap((e) => [e.key, ...e.contents]);
    assert.ok(!aliceLeft.some((v) => v.includes(aliceWs.connId)), 'the expired connection is gone from Redis');

    const exitCode = await gw2.process.stop();
    assert.equal(exitCode, 0, 'the gateway exits 0 after a graceful shutdown');
    assert.equal((await bobWs.closed).code, 1001, 'clients are told the gateway is going away');
    const goodbye = await sys.waitForEvent(
      'gochat.user-events',
      'user.offline',
      (e) => e.message.userId === bob.userId,
    );
    assert.equal(goodbye.message.reason, 'gateway_shutdown');
    assert.equal(goodbye.message.connId, bobWs.connId);
    const bobLeft = (await redisEntriesAbout(sys.redis(), bob.userId)).flatMap((e) => [e.key, ...e.contents]);
    assert.ok(!bobLeft.some((v) => v.includes(bobWs.connId)), 'the shutdown removed the connection from Redis');
  });
});

describe('gateway restart', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 2 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('a restarted gateway resumes: its client reconnects and catches up on what was sent meanwhile', async () => {
    const gw1 = sys.gateways[0]!;
    let gw2 = sys.gateways[1]!;
    const dan = await TestUser.register(gw1.httpAddress, 'dan');
    const erin = await TestUser.register(gw1.httpAddress, 'erin');
    await dan.befriend(erin);
    const danWs = await dan.connect(gw1.httpAddress);
    let erinWs = await erin.connect(gw2.httpAddress);
    const first = await danWs.sendAndAck({ userId: erin.userId }, 'before the restart');
    await erinWs.waitFor((f) => f.type === 'message' && f.message.seq === first.seq, { what: 'first message' });

    const restarting = sys.restartGateway('gw-2');
    assert.equal((await erinWs.closed).code, 1001);
    const meanwhile = [
      await danWs.sendAndAck({ userId: erin.userId }, 'while gw-2 restarts 1'),
      await danWs.sendAndAck({ userId: erin.userId }, 'while gw-2 restarts 2'),
    ];
    gw2 = await restarting;
    erinWs = await erin.connect(gw2.httpAddress);
    erinWs.sendFrame({
      type: 'sync',
      id: 'after-restart',
      conversationId: first.conversationId,
      fromSeq: first.seq + 1,
    });
    const synced = await erinWs.waitFor((f) => f.type === 'synced', { what: 'synced' });
    assert.deepEqual(
      synced.messages.map((m: any) => m.seq),
      meanwhile.map((a) => a.seq),
    );
    const last = await danWs.sendAndAck({ userId: erin.userId }, 'after the restart');
    await erinWs.waitFor((f) => f.type === 'message' && f.message.seq === last.seq, { what: 'push after restart' });
    // The restarted gateway resumed its consumer group where it had committed: records from its downtime may be
    // pushed too, but never twice, and never one that the sync already gave.
    const pushed = erinWs.received((f) => f.type === 'message').map((f) => f.message.seq as number);
    assert.equal(new Set(pushed).size, pushed.length, 'no seq pushed twice to the connection');
    assert.ok(pushed.includes(last.seq));
  });
});
