// AuthService, ChatService and SocialService: decode is done by the generated definitions and error mapping by
// lib's handler wrapper, so each method only turns a request into a domain call and the result into a response.
import type { AsyncService, CallContext } from '../../../lib/grpc';
import {
  type AuthServiceService,
  type ChatServiceService,
  type SocialServiceService,
} from '../../../proto/gen/gochat/logic/v1/logic';
import type { Accounts } from '../domain/accounts';
import type { Groups } from '../domain/groups';
import type { MessageSender } from '../domain/message-sender';
import type { ReadState } from '../domain/read-state';
import type { Friendships } from '../domain/social';

export interface LogicDomain {
  accounts: Accounts;
  sender: MessageSender;
  reads: ReadState;
  friendships: Friendships;
  groups: Groups;
}

const origin = (ctx: CallContext) => ({ traceparent: ctx.traceparent });

export function authService({ accounts }: LogicDomain): AsyncService<AuthServiceService> {
  return {
    register: async (req) => ({ user: await accounts.register(req) }),
    login: async (req) => accounts.login(req),
    verifyToken: async (req) => accounts.verifyToken(req.token),
  };
}

export function chatService({ sender, reads }: LogicDomain): AsyncService<ChatServiceService> {
  return {
    sendMessage: async (req, ctx) => sender.send(req, origin(ctx)),
    markAsRead: async (req, ctx) => reads.markAsRead(req, origin(ctx)),
    getHistory: async (req) => reads.history(req),
    getConversations: async (req) => ({ conversations: await reads.conversations(req.userId) }),
  };
}

export function socialService({ friendships, groups }: LogicDomain): AsyncService<SocialServiceService> {
  return {
    addFriend: async (req) => ({ created: await friendships.add(req.userId, req.friendId) }),
    requestFriendship: async (req, ctx) => ({
      outcome: await friendships.request(req.userId, req.friendId, origin(ctx)),
    }),
    answerFriendship: async (req, ctx) => ({
      accepted: await friendships.answer(req.userId, req.fromUserId, req.accept, origin(ctx)),
    }),
    listFriendshipRequests: async (req) => friendships.requests(req.userId),
    removeFriend: async (req) => ({ removed: await friendships.remove(req.userId, req.friendId) }),
    listFriends: async (req) => ({ friends: await friendships.list(req.userId) }),
    createGroup: async (req, ctx) => groups.create(req, origin(ctx)),
    addGroupMember: async (req, ctx) => groups.addMember(req, origin(ctx)),
    listGroupMembers: async (req) => groups.listMembers(req.operatorId, req.groupId),
    listUserGroups: async (req) => ({ groups: await groups.userGroups(req.userId) }),
    searchUsers: async (req) => ({ users: await friendships.search(req.query, req.limit) }),
  };
}
