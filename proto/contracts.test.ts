// The contracts every service and event of the seed flows depends on: each RPC exists with the path the services
// call, and every message survives a protobuf encode/decode round trip.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as common from './gen/gochat/common/v1/common';
import * as events from './gen/gochat/events/v1/events';
import * as gateway from './gen/gochat/gateway/v1/gateway';
import * as logic from './gen/gochat/logic/v1/logic';
import * as repo from './gen/gochat/repo/v1/repo';
import * as health from './gen/grpc/health/v1/health';

interface MessageFns<T> {
  create(base?: Partial<T>): T;
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

function isMessageFns(value: unknown): value is MessageFns<Record<string, unknown>> {
  const v = value as Partial<MessageFns<unknown>> | undefined;
  return typeof v?.encode === 'function' && typeof v?.decode === 'function' && typeof v?.create === 'function';
}

function roundTrip<T>(fns: MessageFns<T>, value: T): T {
  return fns.decode(fns.encode(value).finish());
}

/** Fills every scalar field of a fresh message with a non-default value, so the round trip proves each one. */
function filledScalars(fns: MessageFns<Record<string, unknown>>): Record<string, unknown> {
  const value = fns.create();
  for (const [key, defaultValue] of Object.entries(value)) {
    if (typeof defaultValue === 'string') value[key] = `${key}-value`;
    else if (typeof defaultValue === 'number') value[key] = 3;
    else if (typeof defaultValue === 'boolean') value[key] = true;
  }
  return value;
}

const modules = { common, events, gateway, logic, repo, health };

describe('proto contracts', () => {
  test('every message type round-trips encode/decode with all scalar fields set', () => {
    let count = 0;
    for (const [moduleName, mod] of Object.entries(modules)) {
      for (const [name, fns] of Object.entries(mod)) {
        if (!isMessageFns(fns)) continue;
        const value = filledScalars(fns);
        assert.deepEqual(roundTrip(fns, value), value, `${moduleName}.${name} changed in a round trip`);
        count++;
      }
    }
    assert.ok(count >= 80, `expected the full contract set, found only ${count} message types`);
  });

  test('the RPCs of the seed flows exist with their gRPC paths', () => {
    const expected: Array<[Record<string, { path: string }>, string, string]> = [
      [repo.PresenceServiceService, 'setUserOnline', '/gochat.repo.v1.PresenceService/SetUserOnline'],
      [repo.PresenceServiceService, 'setUserOffline', '/gochat.repo.v1.PresenceService/SetUserOffline'],
      [repo.PresenceServiceService, 'heartbeat', '/gochat.repo.v1.PresenceService/Heartbeat'],
      [repo.PresenceServiceService, 'getUsersPresence', '/gochat.repo.v1.PresenceService/GetUsersPresence'],
      [repo.FriendServiceService, 'getUserFriends', '/gochat.repo.v1.FriendService/GetUserFriends'],
      [repo.FriendServiceService, 'addFriend', '/gochat.repo.v1.FriendService/AddFriend'],
      [repo.GroupServiceService, 'createGroup', '/gochat.repo.v1.GroupService/CreateGroup'],
      [repo.GroupServiceService, 'addGroupMember', '/gochat.repo.v1.GroupService/AddGroupMember'],
      [repo.GroupServiceService, 'getGroupMembers', '/gochat.repo.v1.GroupService/GetGroupMembers'],
      [repo.MessageServiceService, 'saveMessage', '/gochat.repo.v1.MessageService/SaveMessage'],
      [repo.MessageServiceService, 'allocateSeq', '/gochat.repo.v1.MessageService/AllocateSeq'],
      [repo.MessageServiceService, 'pullMessages', '/gochat.repo.v1.MessageService/PullMessages'],
      [repo.MessageServiceService, 'updateReadPointer', '/gochat.repo.v1.MessageService/UpdateReadPointer'],
      [logic.ChatServiceService, 'sendMessage', '/gochat.logic.v1.ChatService/SendMessage'],
      [logic.ChatServiceService, 'markAsRead', '/gochat.logic.v1.ChatService/MarkAsRead'],
      [logic.ChatServiceService, 'getHistory', '/gochat.logic.v1.ChatService/GetHistory'],
      [logic.ChatServiceService, 'getConversations', '/gochat.logic.v1.ChatService/GetConversations'],
      [logic.SocialServiceService, 'addGroupMember', '/gochat.logic.v1.SocialService/AddGroupMember'],
      [logic.SocialServiceService, 'createGroup', '/gochat.logic.v1.SocialService/CreateGroup'],
      [logic.AuthServiceService, 'login', '/gochat.logic.v1.AuthService/Login'],
      [gateway.PusherServiceService, 'pushToUsers', '/gochat.gateway.v1.PusherService/PushToUsers'],
      [health.HealthService, 'check', '/grpc.health.v1.Health/Check'],
    ];
    for (const [service, method, path] of expected) {
      assert.equal(service[method]?.path, path, `missing RPC ${path}`);
    }
  });

  test('the domain events of the seed flows carry their payloads through a round trip', () => {
    const meta = common.EventMeta.create({
      eventId: 'evt-1',
      eventType: 'user.online',
      occurredAtMs: 1_764_000_000_000,
      producer: 'im-gateway/gw-1',
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: '' },
    });
    const online = events.UserOnline.create({ meta, userId: 'u1', gatewayId: 'gw-1', connId: 'c1', onlineAtMs: 5 });
    assert.deepEqual(roundTrip(events.UserOnline, online), online);

    const read = events.MessageRead.create({
      meta: { ...meta, eventType: 'message.read' },
      readerId: 'u2',
      conversationId: 'p2p:u1:u2',
      conversationType: common.ConversationType.CONVERSATION_TYPE_P2P,
      previousReadSeq: 4,
      readSeq: 9,
      readAtMs: 6,
    });
    assert.deepEqual(roundTrip(events.MessageRead, read), read);

    const joined = events.GroupMemberJoined.create({
      meta: { ...meta, eventType: 'group.member.joined' },
      groupId: 'g1',
      userId: 'u3',
      role: common.GroupRole.GROUP_ROLE_MEMBER,
      operatorId: 'u1',
      joinedSeq: 12,
      memberCount: 3,
    });
    assert.deepEqual(roundTrip(events.GroupMemberJoined, joined), joined);

    const message = common.ChatMessage.create({
      messageId: 'm1',
      conversationId: 'group:g1',
      conversationType: common.ConversationType.CONVERSATION_TYPE_GROUP,
      seq: 2 ** 40,
      senderId: 'u1',
      clientMsgId: 'cm-1',
      contentType: 'text/plain',
      body: '你好, world',
      sentAtMs: 1_764_000_000_001,
    });
    const downstream = events.MessageDownstream.create({
      meta,
      message,
      recipientIds: ['u2', 'u3'],
      originGatewayId: 'gw-1',
      originConnId: 'c1',
      ackOnly: false,
      clientMsgId: 'cm-1',
      senderId: 'u1',
    });
    assert.deepEqual(roundTrip(events.MessageDownstream, downstream), downstream);

    const signal = common.SystemSignalMessage.create({
      signalType: 'message.receipt.updated',
      cause: meta,
      payload: {
        $case: 'messageReceiptUpdated',
        value: { conversationId: 'p2p:u1:u2', readerId: 'u2', readSeq: 9, readAtMs: 7 },
      },
    });
    const push = gateway.PushToUsersRequest.create({ userIds: ['u1'], payload: { $case: 'signal', value: signal } });
    assert.deepEqual(roundTrip(gateway.PushToUsersRequest, push), push);
  });

  test('decoding a truncated record fails loudly instead of returning a half message', () => {
    const bytes = events.UserOnline.encode(events.UserOnline.create({ userId: 'someone', gatewayId: 'gw-1' })).finish();
    assert.throws(() => events.UserOnline.decode(bytes.subarray(0, bytes.length - 3)));
  });
});
