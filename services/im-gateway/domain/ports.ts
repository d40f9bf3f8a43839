// What the gateway's use cases need from the outside world. Adapters implement these against im-logic, im-repo
// and Kafka; unit tests implement them in memory.
import type { ChatMessage, SystemSignalMessage, User } from '../../../proto/gen/gochat/common/v1/common';
import type { MessageUpstream, UserOffline, UserOnline } from '../../../proto/gen/gochat/events/v1/events';
import type * as logic from '../../../proto/gen/gochat/logic/v1/logic';

/** One live client connection as the domain sees it; the WebSocket transport implements it. */
export interface ClientLink {
  readonly connId: string;
  readonly userId: string;
  readonly connectedAtMs: number;
  readonly remoteAddress: string;
  // traceparent: the trace the delivery belongs to, shown to the client so one send can be followed end to end.
  pushMessage(message: ChatMessage, traceparent?: string): void;
  pushSignal(signal: SystemSignalMessage): void;
  acknowledgeSend(ack: SendAck, traceparent?: string): void;
  rejectSend(clientMsgId: string, code: string, message: string, traceparent?: string): void;
  /** Closes the connection because the gateway is going away. */
  goAway(reason: string): void;
}

export interface SendAck {
  clientMsgId: string;
  messageId: string;
  conversationId: string;
  seq: number;
}

/** im-repo's presence registry (Redis). */
export interface PresenceRegistry {
  setOnline(userId: string, connId: string, ttlMs: number): Promise<{ firstConnection: boolean }>;
  setOffline(userId: string, connId: string): Promise<{ lastConnection: boolean }>;
  /**
   * Renews this gateway's connections. im-repo then sweeps expired connections of ANY gateway (say, one that
   * crashed) and reports, once, the users left with none.
   */
  heartbeat(
    connections: { userId: string; connId: string }[],
    ttlMs: number,
  ): Promise<{ renewed: number; expiredUserIds: string[] }>;
  registerGateway(grpcAddress: string, publicAddress: string, ttlMs: number): Promise<void>;
}

/** Kafka publishing of what the gateway observes. Every call resolves only once the broker has the record. */
export interface GatewayEventPublisher {
  publishUserOnline(event: Omit<UserOnline, 'meta'>, traceparent?: string): Promise<void>;
  publishUserOffline(event: Omit<UserOffline, 'meta'>, traceparent?: string): Promise<void>;
  /** key = conversation id (see conversation-id.ts). */
  publishUpstream(event: Omit<MessageUpstream, 'meta'>, key: string, traceparent?: string): Promise<void>;
}

/** im-logic AuthService.VerifyToken. Rejects with Unauthenticated when the token is not good. */
export interface TokenVerifier {
  /** The token's user and when the token expires (epoch ms; absent when not known). */
  verify(token: string, traceparent?: string): Promise<VerifiedUser>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The im-logic calls behind the client API; traceparent (the client's trace, when it sent one) travels on as gRPC
 * metadata. Requests and responses are the contract's own types; failures are
 * the domain errors of lib/errors carrying im-logic's code (NOT_A_MEMBER, NOT_AN_ADMIN, ...).
 */
export interface LogicApi extends TokenVerifier {
  register(req: logic.RegisterRequest, traceparent?: string): Promise<logic.RegisterResponse>;
  login(req: logic.LoginRequest, traceparent?: string): Promise<logic.LoginResponse>;
  sendMessage(req: logic.SendMessageRequest, traceparent?: string): Promise<logic.SendMessageResponse>;
  markAsRead(req: logic.MarkAsReadRequest, traceparent?: string): Promise<logic.MarkAsReadResponse>;
  getHistory(req: logic.GetHistoryRequest, traceparent?: string): Promise<logic.GetHistoryResponse>;
  getConversations(req: logic.GetConversationsRequest, traceparent?: string): Promise<logic.GetConversationsResponse>;
  addFriend(req: logic.AddFriendRequest, traceparent?: string): Promise<logic.AddFriendResponse>;
  removeFriend(req: logic.RemoveFriendRequest, traceparent?: string): Promise<logic.RemoveFriendResponse>;
  requestFriendship(
    req: logic.RequestFriendshipRequest,
    traceparent?: string,
  ): Promise<logic.RequestFriendshipResponse>;
  answerFriendship(req: logic.AnswerFriendshipRequest, traceparent?: string): Promise<logic.AnswerFriendshipResponse>;
  listFriendshipRequests(
    req: logic.ListFriendshipRequestsRequest,
    traceparent?: string,
  ): Promise<logic.ListFriendshipRequestsResponse>;
  listFriends(req: logic.ListFriendsRequest, traceparent?: string): Promise<logic.ListFriendsResponse>;
  createGroup(req: logic.CreateGroupRequest, traceparent?: string): Promise<logic.CreateGroupResponse>;
  addGroupMember(req: logic.AddGroupMemberRequest, traceparent?: string): Promise<logic.AddGroupMemberResponse>;
  listGroupMembers(req: logic.ListGroupMembersRequest, traceparent?: string): Promise<logic.ListGroupMembersResponse>;
  listUserGroups(req: logic.ListUserGroupsRequest, traceparent?: string): Promise<logic.ListUserGroupsResponse>;
  searchUsers(req: logic.SearchUsersRequest, traceparent?: string): Promise<logic.SearchUsersResponse>;
}

export interface VerifiedUser extends User {
  expiresAtMs?: number;
}
