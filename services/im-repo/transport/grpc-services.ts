// gRPC handlers of im-repo: each decodes nothing by hand (the generated definitions do), calls one use case and
// shapes its answer. Errors are mapped by lib/grpc, in one place.
import {
  FriendServiceService,
  GroupServiceService,
  MessageServiceService,
  PresenceServiceService,
  UserServiceService,
} from '../../../proto/gen/gochat/repo/v1/repo';
import { serviceOf, type AsyncService, type ServiceRegistration } from '../../../lib/grpc';
import type { GroupRoster } from '../domain/groups';
import type { ConversationLog } from '../domain/messages';
import type { PresenceTracker } from '../domain/presence';
import type { Friendships, UserDirectory } from '../domain/users';

export interface RepoUseCases {
  presence: PresenceTracker;
  users: UserDirectory;
  friends: Friendships;
  groups: GroupRoster;
  conversations: ConversationLog;
}

export function presenceService(presence: PresenceTracker): AsyncService<typeof PresenceServiceService> {
  return {
    setUserOnline: (req) => presence.setOnline(req.userId, req.connId, req.gatewayId, req.ttlMs),
    setUserOffline: (req) => presence.setOffline(req.userId, req.connId, req.gatewayId),
    heartbeat: (req) => presence.heartbeat(req.gatewayId, req.connections, req.ttlMs),
    getUsersPresence: async (req) => ({ users: await presence.getPresence(req.userIds) }),
    listOnlineUsers: async () => ({ users: await presence.listOnline() }),
    registerGateway: async (req) => {
      await presence.registerGateway(req.gateway, req.ttlMs);
      return {};
    },
    listGateways: async () => ({ gateways: await presence.listGateways() }),
  };
}

export function userService(users: UserDirectory): AsyncService<typeof UserServiceService> {
  return {
    createUser: async (req) => ({ user: users.createUser(req) }),
    getCredential: async (req) => users.getCredential(req.username),
    getUsers: async (req) => ({ users: users.getUsers(req.userIds) }),
    listUsers: async (req) => users.listUsers(req.page?.limit ?? 0, req.page?.cursor ?? ''),
  };
}

export function friendService(friends: Friendships): AsyncService<typeof FriendServiceService> {
  return {
    getUserFriends: async (req) => ({ friends: friends.list(req.userId) }),
    addFriend: async (req) => ({ created: friends.add(req.userId, req.friendId) }),
    removeFriend: async (req) => ({ removed: friends.remove(req.userId, req.friendId) }),
    areFriends: async (req) => ({ friends: friends.areFriends(req.pairs) }),
    requestFriendship: async (req) => friends.request(req.fromUserId, req.toUserId),
    answerFriendship: async (req) => friends.answer(req.userId, req.fromUserId, req.accept),
    listFriendshipRequests: async (req) => friends.requests(req.userId),
  };
}

export function groupService(groups: GroupRoster): AsyncService<typeof GroupServiceService> {
  return {
    createGroup: async (req) => groups.create(req),
    getGroup: async (req) => ({ group: groups.get(req.groupId) }),
    addGroupMember: async (req) => groups.addMember(req.groupId, req.userId, req.role),
    removeGroupMember: async (req) => groups.removeMember(req.groupId, req.userId),
    getGroupMembers: async (req) => ({ members: groups.members(req.groupId) }),
    getUserGroups: async (req) => ({ groups: groups.groupsOf(req.userId) }),
  };
}

export function messageService(conversations: ConversationLog): AsyncService<typeof MessageServiceService> {
  return {
    saveMessage: async (req) => conversations.save(req.message),
    saveMessages: async (req) =>
      conversations.saveMany(req.messages, req.dispatchedMessageIds, {
        requireP2pFriendship: req.requireP2pFriendship,
        requireGroupMembership: req.requireGroupMembership,
      }),
    allocateSeq: async (req) => conversations.allocateSeqs(req.conversationId, req.count),
    markDispatched: async (req) => conversations.markDispatched(req.messageId),
    pullMessages: async (req) => conversations.pull(req.conversationId, req.fromSeq, req.toSeq, req.limit),
    getMaxSeqs: async (req) => ({ seqs: conversations.maxSeqs(req.conversationIds) }),
    updateReadPointer: async (req) => conversations.updateReadPointer(req.userId, req.conversationId, req.seq),
    getReadPointers: async (req) => ({ pointers: conversations.readPointers(req.userId, req.conversationIds) }),
    indexMessage: async (req) => ({ indexed: conversations.index(req.message, req.memberIds) }),
    indexMessages: async (req) => ({ indexed: await conversations.indexMany(req.messages) }),
    getUserConversations: async (req) => ({ conversations: conversations.userConversations(req.userId) }),
  };
}

export function repoServices(useCases: RepoUseCases): ServiceRegistration[] {
  return [
    serviceOf(PresenceServiceService, presenceService(useCases.presence)),
    serviceOf(UserServiceService, userService(useCases.users)),
    serviceOf(FriendServiceService, friendService(useCases.friends)),
    serviceOf(GroupServiceService, groupService(useCases.groups)),
    serviceOf(MessageServiceService, messageService(useCases.conversations)),
  ];
}
