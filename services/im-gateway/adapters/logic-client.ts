// LogicApi over gRPC: im-logic's AuthService, ChatService and SocialService. Failures arrive as the domain errors
// im-logic raised (lib/grpc call maps them back, specific code included).
import { call } from '../../../lib/grpc';
import { connectClient } from '../../../lib/grpc';
import * as logic from '../../../proto/gen/gochat/logic/v1/logic';
import { Unauthenticated } from '../../../lib/errors';
import type { LogicApi, VerifiedUser } from '../domain/ports';

const trace = (traceparent: string | undefined) => (traceparent ? { traceparent } : {});

export class GrpcLogicApi implements LogicApi {
  private readonly auth: logic.AuthServiceClient;
  private readonly chat: logic.ChatServiceClient;
  private readonly social: logic.SocialServiceClient;

  constructor(address: string) {
    this.auth = connectClient(logic.AuthServiceClient, address);
    this.chat = connectClient(logic.ChatServiceClient, address);
    this.social = connectClient(logic.SocialServiceClient, address);
  }

  async verify(token: string, traceparent?: string): Promise<VerifiedUser> {
    const res = await call(this.auth, 'verifyToken', { token }, trace(traceparent));
    if (!res.user) throw new Unauthenticated('token names no user');
    return { ...res.user, expiresAtMs: res.expiresAtMs };
  }

  register = (req: logic.RegisterRequest, traceparent?: string) => call(this.auth, 'register', req, trace(traceparent));
  login = (req: logic.LoginRequest, traceparent?: string) => call(this.auth, 'login', req, trace(traceparent));
  sendMessage = (req: logic.SendMessageRequest, traceparent?: string) =>
    call(this.chat, 'sendMessage', req, trace(traceparent));
  markAsRead = (req: logic.MarkAsReadRequest, traceparent?: string) =>
    call(this.chat, 'markAsRead', req, trace(traceparent));
  getHistory = (req: logic.GetHistoryRequest, traceparent?: string) =>
    call(this.chat, 'getHistory', req, trace(traceparent));
  getConversations = (req: logic.GetConversationsRequest, traceparent?: string) =>
    call(this.chat, 'getConversations', req, trace(traceparent));
  addFriend = (req: logic.AddFriendRequest, traceparent?: string) =>
    call(this.social, 'addFriend', req, trace(traceparent));
  removeFriend = (req: logic.RemoveFriendRequest, traceparent?: string) =>
    call(this.social, 'removeFriend', req, trace(traceparent));
  requestFriendship = (req: logic.RequestFriendshipRequest, traceparent?: string) =>
    call(this.social, 'requestFriendship', req, trace(traceparent));
  answerFriendship = (req: logic.AnswerFriendshipRequest, traceparent?: string) =>
    call(this.social, 'answerFriendship', req, trace(traceparent));
  listFriendshipRequests = (req: logic.ListFriendshipRequestsRequest, traceparent?: string) =>
    call(this.social, 'listFriendshipRequests', req, trace(traceparent));
  listFriends = (req: logic.ListFriendsRequest, traceparent?: string) =>
    call(this.social, 'listFriends', req, trace(traceparent));
  createGroup = (req: logic.CreateGroupRequest, traceparent?: string) =>
    call(this.social, 'createGroup', req, trace(traceparent));
  addGroupMember = (req: logic.AddGroupMemberRequest, traceparent?: string) =>
    call(this.social, 'addGroupMember', req, trace(traceparent));
  listGroupMembers = (req: logic.ListGroupMembersRequest, traceparent?: string) =>
    call(this.social, 'listGroupMembers', req, trace(traceparent));
  listUserGroups = (req: logic.ListUserGroupsRequest, traceparent?: string) =>
    call(this.social, 'listUserGroups', req, trace(traceparent));
  searchUsers = (req: logic.SearchUsersRequest, traceparent?: string) =>
    call(this.social, 'searchUsers', req, trace(traceparent));

  close(): void {
    this.auth.close();
    this.chat.close();
    this.social.close();
  }
}
