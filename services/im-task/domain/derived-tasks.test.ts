import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GroupRole,
  PresenceStatus,
  type ChatMessage,
  type EventMeta,
} from '../../../proto/gen/gochat/common/v1/common';
import { DerivedTasks } from './derived-tasks';
import { GatewayDirectory } from './gateway-directory';
import { SignalRouter } from './signal-router';
import { FakePusher, FakeWorld } from './test-fakes';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function meta(eventType: string): EventMeta {
  return {
    eventId: `ev-${eventType}`,
    eventType,
    occurredAtMs: 77,
    producer: 'test',
    trace: { traceparent: TRACE, tracestate: '' },
  };
}

function setup() {
  const world = new FakeWorld();
  world.gateways = [{ gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1001' }];
  const pusher = new FakePusher();
  const clock = { nowMs: () => 5 };
  const router = new SignalRouter(
    world,
    new GatewayDirectory(world, clock),
    pusher,
    { gatewayUnknown: () => undefined, gatewayFailed: () => undefined },
    async () => undefined,
  );
  const tasks = new DerivedTasks(world, world, router, clock);
  const online = (...users: string[]) => users.forEach((u) => world.connections.set(u, ['gw-1']));
  return { world, pusher, tasks, online };
}

function message(conversationId: string, seq: number, senderId: string): ChatMessage {
  return {
    messageId: `m${seq}`,
    conversationId,
    conversationType: 2,
    seq,
    senderId,
    clientMsgId: `c${seq}`,
    contentType: 'text/plain',
    body: 'x',
    sentAtMs: 1,
  };
}

describe('friend status', () => {
  test('user.online becomes friend.status.changed for the online friends, with the cause', async () => {
    const { world, pusher, tasks, online } = setup();
    world.friends.set('alice', ['bob', 'carol']);
    online('bob');
    await tasks.presenceChanged({
      online: true,
      event: { meta: meta('user.online'), userId: 'alice', gatewayId: 'gw-9', connId: 'c', onlineAtMs: 1234 },
    });
    assert.equal(pusher.pushes.length, 1);
    const [push] = pusher.pushes;
    assert.deepEqual(push?.userIds, ['bob']);
    assert.equal(push?.signal.signalType, 'friend.status.changed');
    assert.equal(push?.signal.cause?.eventId, 'ev-user.online');
    assert.deepEqual(push?.signal.payload, {
      $case: 'friendStatusChanged',
      value: { userId: 'alice', status: PresenceStatus.PRESENCE_STATUS_ONLINE, changedAtMs: 1234 },
    });
  });

  test('user.offline says OFFLINE', async () => {
    const { world, pusher, tasks, online } = setup();
    world.friends.set('alice', ['bob']);
    online('bob');
    await tasks.presenceChanged({
      online: false,
      event: {
        meta: meta('user.offline'),
        userId: 'alice',
        gatewayId: 'gw-1',
        connId: 'c',
        offlineAtMs: 9,
        reason: 'closed',
      },
    });
    const payload = pusher.pushes[0]?.signal.payload;
    assert.equal(
      payload?.$case === 'friendStatusChanged' && payload.value.status,
      PresenceStatus.PRESENCE_STATUS_OFFLINE,
    );
  });
});

describe('read receipts', () => {
  test('p2p: the peer is told', async () => {
    const { pusher, tasks, online } = setup();
    online('alice', 'bob');
    await tasks.messageRead({
      meta: meta('message.read'),
      readerId: 'bob',
      conversationId: 'p2p:alice:bob',
      conversationType: 1,
      previousReadSeq: 0,
      readSeq: 3,
      readAtMs: 50,
    });
    assert.deepEqual(
      pusher.pushes.map((p) => p.userIds),
      [['alice']],
    );
    assert.deepEqual(pusher.pushes[0]?.signal.payload, {
      $case: 'messageReceiptUpdated',
      value: { conversationId: 'p2p:alice:bob', readerId: 'bob', readSeq: 3, readAtMs: 50 },
    });
  });

  test('group: only the senders of the newly read messages are told, not the reader', async () => {
    const { world, pusher, tasks, online } = setup();
    online('alice', 'bob', 'carol', 'dan');
    world.messages = [
      message('group:g1', 1, 'dan'),
      message('group:g1', 2, 'alice'),
      message('group:g1', 3, 'bob'),
      message('group:g1', 4, 'carol'),
      message('group:g1', 5, 'dan'),
    ];
    await tasks.messageRead({
      meta: meta('message.read'),
      readerId: 'bob',
      conversationId: 'group:g1',
      conversationType: 2,
      previousReadSeq: 1,
      readSeq: 4,
      readAtMs: 50,
    });
    assert.deepEqual(
      pusher.pushes.map((p) => p.userIds),
      [['alice', 'carol']],
    );
  });

  test('a malformed conversation id is dropped, not retried', async () => {
    const { pusher, tasks } = setup();
    const routed = await tasks.messageRead({
      meta: meta('message.read'),
      readerId: 'bob',
      conversationId: 'junk',
      conversationType: 1,
      previousReadSeq: 0,
      readSeq: 1,
      readAtMs: 1,
    });
    assert.equal(routed, undefined);
    assert.equal(pusher.attempts.length, 0);
  });
});

describe('group member changes', () => {
  test('group.member.joined becomes group.member.changed for every member, the joiner included', async () => {
    const { world, pusher, tasks, online } = setup();
    world.groups.set('g1', ['alice', 'bob', 'carol']);
    online('alice', 'carol');
    await tasks.groupMemberChanged({
      joined: true,
      event: {
        meta: meta('group.member.joined'),
        groupId: 'g1',
        userId: 'carol',
        role: GroupRole.GROUP_ROLE_MEMBER,
        operatorId: 'alice',
        joinedSeq: 4,
        memberCount: 3,
      },
    });
    assert.deepEqual(pusher.pushes[0]?.userIds, ['alice', 'carol']);
    assert.deepEqual(pusher.pushes[0]?.signal.payload, {
      $case: 'groupMemberChanged',
      value: {
        groupId: 'g1',
        change: 'joined',
        userId: 'carol',
        role: GroupRole.GROUP_ROLE_MEMBER,
        operatorId: 'alice',
        memberCount: 3,
        changedAtMs: 77,
      },
    });
  });
});

describe('friend requests', () => {
  test('a request reaches the user asked; an acceptance reaches the requester', async () => {
    const { pusher, tasks, online } = setup();
    online('alice', 'bob');
    await tasks.friendRequestChanged({
      accepted: false,
      event: { meta: meta('friend.requested'), fromUserId: 'alice', toUserId: 'bob', requestedAtMs: 5 },
    });
    await tasks.friendRequestChanged({
      accepted: true,
      event: { meta: meta('friend.request.accepted'), fromUserId: 'alice', toUserId: 'bob', acceptedAtMs: 6 },
    });
    assert.deepEqual(
      pusher.pushes.map((p) => [p.signal.signalType, p.userIds]),
      [
        ['friend.request.received', ['bob']],
        ['friend.request.accepted', ['alice']],
      ],
    );
    assert.deepEqual(pusher.pushes[1]?.signal.payload, {
      $case: 'friendRequestChanged',
      value: { fromUserId: 'alice', toUserId: 'bob', status: 'accepted', changedAtMs: 6 },
    });
  });
});

describe('indexing', () => {
  test('message.persist indexes the message for its members', async () => {
    const { world, tasks } = setup();
    const m = message('group:g1', 1, 'alice');
    assert.equal(await tasks.indexStoredMessages([{ message: m, memberIds: ['alice', 'bob'] }]), 1);
    assert.deepEqual(world.indexed, [{ message: m, memberIds: ['alice', 'bob'] }]);
  });
});
