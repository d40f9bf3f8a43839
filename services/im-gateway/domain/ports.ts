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
  // The frames of a delivery show the client the trace of the work in progress (lib/telemetry), so one send can be
  // followed end to end; the domain does not pass it along.
  pushMessage(message: ChatMessage): void;
  pushSignal(signal: SystemSignalMessage): void;
  acknowledgeSend(ack: SendAck): void;
  rejectSend(clientMsgId: string, code: string, message: string): void;
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

/**
 * Kafka publishing of what the gateway observes. Every call resolves only once the broker has the record, which
 * joins the trace of the work in progress (the active span).
 */
export interface GatewayEventPublisher {
  publishUserOnline(event: Omit<UserOnline, 'meta'>): Promise<void>;
  publishUserOffline(event: Omit<UserOffline, 'meta'>): Promise<void>;
  /** key = conversation id (see conversation-id.ts). */
  publishUpstream(event: Omit<MessageUpstream, 'meta'>, key: string): Promise<void>;
}

/** im-logic AuthService.VerifyToken. Rejects with Unauthenticated when the token is not good. */
export interface TokenVerifier {
  /** The token's user and when the token expires (epoch ms; absent when not known). */
  verify(token: string): Promise<VerifiedUser>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The im-logic calls behind the client API; each call joins the trace of the work in progress (the active span,
 * the client's trace when it sent one), carried as gRPC metadata. Requests and responses are the contract's own
 * types; failures are the domain errors of lib/errors carrying im-logic's code (NOT_A_MEMBER, NOT_AN_ADMIN, ...).
 */
export interface LogicApi extends TokenVerifier {
  register(req: logic.RegisterRequest): Promise<logic.RegisterResponse>;
  login(req: logic.LoginRequest): Promise<logic.LoginResponse>;
  sendMessage(req: logic.SendMessageRequest): Promise<logic.SendMessageResponse>;
  markAsRead(req: logic.MarkAsReadRequest): Promise<logic.MarkAsReadResponse>;
  getHistory(req: logic.GetHistoryRequest): Promise<logic.GetHistoryResponse>;
  getConversations(req: logic.GetConversationsRequest): Promise<logic.GetConversationsResponse>;
  addFriend(req: logic.AddFriendRequest): Promise<logic.AddFriendResponse>;
  removeFriend(req: logic.RemoveFriendRequest): Promise<logic.RemoveFriendResponse>;
  requestFriendship(req: logic.RequestFriendshipRequest): Promise<logic.RequestFriendshipResponse>;
  answerFriendship(req: logic.AnswerFriendshipRequest): Promise<logic.AnswerFriendshipResponse>;
  listFriendshipRequests(req: logic.ListFriendshipRequestsRequest): Promise<logic.ListFriendshipRequestsResponse>;
  listFriends(req: logic.ListFriendsRequest): Promise<logic.ListFriendsResponse>;
  createGroup(req: logic.CreateGroupRequest): Promise<logic.CreateGroupResponse>;
  addGroupMember(req: logic.AddGroupMemberRequest): Promise<logic.AddGroupMemberResponse>;
  listGroupMembers(req: logic.ListGroupMembersRequest): Promise<logic.ListGroupMembersResponse>;
  listUserGroups(req: logic.ListUserGroupsRequest): Promise<logic.ListUserGroupsResponse>;
  searchUsers(req: logic.SearchUsersRequest): Promise<logic.SearchUsersResponse>;
}

export interface VerifiedUser extends User {
  expiresAtMs?: number;
}
