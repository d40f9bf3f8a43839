// Flow 1: a connection puts the user online in Redis, user.online goes to gochat.user-events keyed by the user,
// im-task tells the user's friends ("friend.status.changed"); offline follows only when the LAST connection closes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { connectionInRedis } from '../support/redis-presence';
import { startSystem, waitUntil, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('presence: online, friend notification, offline on the last connection', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('friend sees online when the first connection opens and offline only after the last one closes', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const alice = await TestUser.register(gw, 'alice');
    const bob = await TestUser.register(gw, 'bob');
    await alice.befriend(bob);
    const bobWs = await bob.connect();

    const phone = await alice.connect();
    assert.equal(phone.hello.userId, alice.userId);
    assert.equal(phone.hello.gatewayId, 'gw-1');

    const online = await sys.waitForEvent(
      'gochat.user-events',
      'user.online',
      (e) => e.message.userId === alice.userId,
    );
    assert.equal(online.key, alice.userId, 'user events are keyed by user id');
    assert.equal(online.message.gatewayId, 'gw-1');
    assert.equal(online.message.connId, phone.connId);
    assert.equal(online.headers['event-type'], 'user.online');
    assert.match(online.headers['content-type'] ?? '', /messageType=gochat\.events\.v1\.UserOnline/);
    assert.ok(await connectionInRedis(sys.redis(), alice.userId, phone.connId), 'the connection is recorded in Redis');

    const signal = await bobWs.waitFor(
      (f) => f.type === 'signal' && f.signalType === 'friend.status.changed' && f.payload?.userId === alice.userId,
      { what: 'friend.status.changed for alice' },
    );
    assert.equal(signal.payload.status, 'online');
    assert.equal(signal.cause.eventType, 'user.online');

    // A second connection of the same user is not a transition: no second user.online.
    const laptop = await alice.connect();
    assert.ok(await connectionInRedis(sys.redis(), alice.userId, laptop.connId));
    await phone.close();
    // The phone's entry goes while the laptop's stays; the user is still online.
    const phoneGone = await waitUntil(async () => !(await connectionInRedis(sys.redis(), alice.userId, phone.connId)));
    assert.ok(phoneGone, 'the closed connection is removed from Redis');
    assert.ok(await connectionInRedis(sys.redis(), alice.userId, laptop.connId));
    const friends = await bob.call('GET', '/api/friends');
    assert.equal(friends.status, 200);
    assert.equal(friends.body.friends.find((f: any) => f.user.userId === alice.userId)?.status, 'online');

    await laptop.close();
    const offline = await sys.waitForEvent(
      'gochat.user-events',
      'user.offline',
      (e) => e.message.userId === alice.userId,
    );
    assert.equal(offline.key, alice.userId);
    assert.equal(offline.message.reason, 'closed');
    assert.equal(offline.message.connId, laptop.connId, 'offline is published for the last connection, not the first');
    const offSignal = await bobWs.waitFor(
      (f) => f.type === 'signal' && f.signalType === 'friend.status.changed' && f.payload?.status === 'offline',
      { what: 'friend.status.changed offline' },
    );
    assert.equal(offSignal.payload.userId, alice.userId);
    assert.ok(!(await connectionInRedis(sys.redis(), alice.userId, laptop.connId)));

    const userEvents = (await sys.readTopic('gochat.user-events')).filter(
      (e) => (e.type === 'user.online' || e.type === 'user.offline') && e.message.userId === alice.userId,
    );
    assert.deepEqual(
      userEvents.map((e) => e.type),
      ['user.online', 'user.offline'],
      'exactly one online and one offline for two overlapping connections, in that order',
    );
    const onlineSignals = bobWs.received(
      (f) => f.signalType === 'friend.status.changed' && f.payload?.userId === alice.userId,
    );
    assert.deepEqual(
      onlineSignals.map((f) => f.payload.status),
      ['online', 'offline'],
    );
  });
});
