// LogicApi over gRPC: im-logic's AuthService, ChatService and SocialService. Failures arrive as the domain errors
// im-logic raised (lib/grpc call maps them back, specific code included). Each call is a child of the active span.
import { call } from '../../../lib/grpc';
import { connectClient } from '../../../lib/grpc';
import * as logic from '../../../proto/gen/gochat/logic/v1/logic';
import { Unauthenticated } from '../../../lib/errors';
import type { LogicApi, VerifiedUser } from '../domain/ports';

export class GrpcLogicApi implements LogicApi {
  private readonly auth: logic.AuthServiceClient;
  private readonly chat: logic.ChatServiceClient;
  private readonly social: logic.SocialServiceClient;

  constructor(address: string) {
    this.auth = connectClient(logic.AuthServiceClient, address);
    this.chat = connectClient(logic.ChatServiceClient, address);
    this.social = connectClient(logic.SocialServiceClient, address);
  }

  async verify(token: string): Promise<VerifiedUser> {
    const res = await call(this.auth, 'verifyToken', { token });
    if (!res.user) throw new Unauthenticated('token names no user');
    return { ...res.user, expiresAtMs: res.expiresAtMs };
  }

  register = (req: logic.RegisterRequest) => call(this.auth, 'register', req);
  login = (req: logic.LoginRequest) => call(this.auth, 'login', req);
  sendMessage = (req: logic.SendMessageRequest) => call(this.chat, 'sendMessage', req);
  markAsRead = (req: logic.MarkAsReadRequest) => call(this.chat, 'markAsRead', req);
  getHistory = (req: logic.GetHistoryRequest) => call(this.chat, 'getHistory', req);
  getConversations = (req: logic.GetConversationsRequest) => call(this.chat, 'getConversations', req);
  addFriend = (req: logic.AddFriendRequest) => call(this.social, 'addFriend', req);
  removeFriend = (req: logic.RemoveFriendRequest) => call(this.social, 'removeFriend', req);
  requestFriendship = (req: logic.RequestFriendshipRequest) => call(this.social, 'requestFriendship', req);
  answerFriendship = (req: logic.AnswerFriendshipRequest) => call(this.social, 'answerFriendship', req);
  listFriendshipRequests = (req: logic.ListFriendshipRequestsRequest) =>
    call(this.social, 'listFriendshipRequests', req);
  listFriends = (req: logic.ListFriendsRequest) => call(this.social, 'listFriends', req);
  createGroup = (req: logic.CreateGroupRequest) => call(this.social, 'createGroup', req);
  addGroupMember = (req: logic.AddGroupMemberRequest) => call(this.social, 'addGroupMember', req);
  listGroupMembers = (req: logic.ListGroupMembersRequest) => call(this.social, 'listGroupMembers', req);
  listUserGroups = (req: logic.ListUserGroupsRequest) => call(this.social, 'listUserGroups', req);
  searchUsers = (req: logic.SearchUsersRequest) => call(this.social, 'searchUsers', req);

  close(): void {
    this.auth.close();
    this.chat.close();
    this.social.close();
  }
}
