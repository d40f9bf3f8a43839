// JSON shapes clients see, shared by the HTTP API and the WebSocket frames (documented in docs/protocol.md).
// Written out field by field so that a default value (0, "") is still present and the wire format does not
// follow protobuf JSON quirks.
import {
  ConversationType,
  GroupRole,
  PresenceStatus,
  type ChatMessage,
  type EventMeta,
  type Group,
  type GroupMember,
  type SystemSignalMessage,
  type User,
} from '../../../proto/gen/gochat/common/v1/common';
import type { Conversation } from '../../../proto/gen/gochat/repo/v1/repo';

export function conversationTypeName(t: ConversationType): 'p2p' | 'group' | 'unspecified' {
  if (t === ConversationType.CONVERSATION_TYPE_P2P) return 'p2p';
  if (t === ConversationType.CONVERSATION_TYPE_GROUP) return 'group';
  return 'unspecified';
}

export function roleName(r: GroupRole): 'member' | 'admin' | 'owner' | 'unspecified' {
  if (r === GroupRole.GROUP_ROLE_MEMBER) return 'member';
  if (r === GroupRole.GROUP_ROLE_ADMIN) return 'admin';
  if (r === GroupRole.GROUP_ROLE_OWNER) return 'owner';
  return 'unspecified';
}

export function presenceName(s: PresenceStatus): 'online' | 'offline' | 'unspecified' {
  if (s === PresenceStatus.PRESENCE_STATUS_ONLINE) return 'online';
  if (s === PresenceStatus.PRESENCE_STATUS_OFFLINE) return 'offline';
  return 'unspecified';
}

export function userView(u: User | undefined) {
  return u ? { userId: u.userId, username: u.username, displayName: u.displayName, createdAtMs: u.createdAtMs } : null;
}

export function messageView(m: ChatMessage) {
  return {
    messageId: m.messageId,
    conversationId: m.conversationId,
    conversationType: conversationTypeName(m.conversationType),
    seq: m.seq,
    senderId: m.senderId,
    clientMsgId: m.clientMsgId,
    contentType: m.contentType,
    body: m.body,
    sentAtMs: m.sentAtMs,
  };
}

export function groupView(g: Group | undefined) {
  return g
    ? { groupId: g.groupId, name: g.name, ownerId: g.ownerId, createdAtMs: g.createdAtMs, memberCount: g.memberCount }
    : null;
}

export function memberView(m: GroupMember) {
  return {
    groupId: m.groupId,
    userId: m.userId,
    role: roleName(m.role),
    joinedAtMs: m.joinedAtMs,
    joinedSeq: m.joinedSeq,
  };
}

export function conversationView(c: Conversation) {
  return {
    conversationId: c.conversationId,
    type: conversationTypeName(c.type),
    peerId: c.peerId,
    groupId: c.groupId,
    title: c.title,
    maxSeq: c.maxSeq,
    readSeq: c.readSeq,
    unreadCount: c.unreadCount,
    lastMessage: c.lastMessage ? messageView(c.lastMessage) : null,
  };
}

function causeView(meta: EventMeta | undefined) {
  if (!meta) return null;
  return {
    eventId: meta.eventId,
    eventType: meta.eventType,
    occurredAtMs: meta.occurredAtMs,
    producer: meta.producer,
    traceparent: meta.trace?.traceparent ?? '',
  };
}

function signalPayloadView(payload: SystemSignalMessage['payload']): Record<string, unknown> | null {
  switch (payload?.$case) {
    case 'friendStatusChanged': {
      const p = payload.value;
      return { userId: p.userId, status: presenceName(p.status), changedAtMs: p.changedAtMs };
    }
    case 'messageReceiptUpdated': {
      const p = payload.value;
      return { conversationId: p.conversationId, readerId: p.readerId, readSeq: p.readSeq, readAtMs: p.readAtMs };
    }
    case 'groupMemberChanged': {
      const p = payload.value;
      return {
        groupId: p.groupId,
        change: p.change,
        userId: p.userId,
        role: roleName(p.role),
        operatorId: p.operatorId,
        memberCount: p.memberCount,
        changedAtMs: p.changedAtMs,
      };
    }
    case 'friendRequestChanged': {
      const p = payload.value;
      return { fromUserId: p.fromUserId, toUserId: p.toUserId, status: p.status, changedAtMs: p.changedAtMs };
    }
    default:
      return null;
  }
}

export function signalFrame(s: SystemSignalMessage) {
  return {
    type: 'signal' as const,
    signalType: s.signalType,
    payload: signalPayloadView(s.payload),
    cause: causeView(s.cause),
  };
}
