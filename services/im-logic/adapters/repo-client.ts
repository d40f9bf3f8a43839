// im-logic's ports over im-repo's gRPC API. Failures come back as lib domain errors (fromGrpcError), so a repo
// NOT_FOUND / ALREADY_EXISTS reaches the client as such and UNAVAILABLE stays an infrastructure failure.
import type { Client } from '@grpc/grpc-js';
import type {
  ChatMessage,
  Group,
  GroupMember,
  GroupRole,
  User,
  UserPresence,
} from '../../../proto/gen/gochat/common/v1/common';
import {
  FriendServiceClient,
  GroupServiceClient,
  MessageServiceClient,
  PresenceServiceClient,
  UserServiceClient,
  type Conversation,
} from '../../../proto/gen/gochat/repo/v1/repo';
import { groupConversationId } from '../../../lib/conversation';
import { AlreadyExists, isDomainError } from '../../../lib/errors';
import { connectClient } from '../../../lib/grpc';
import { repoCall } from './repo-call';
import { coalescedSaves } from './save-coalescer';
import type {
  FriendEntry,
  FriendGraph,
  GroupDirectory,
  MessageStore,
  PresenceReader,
  ReadPointerUpdate,
  SaveOutcome,
  StoredCredential,
  UserDirectory,
} from '../domain/ports';

/** undefined instead of NOT_FOUND, for lookups where absence is an answer, not a failure. */
async function orUndefined<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (err) {
    if (isDomainError(err) && err.kind === 'NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * grpc-js backs off up to two minutes between reconnects; after an im-repo restart that would leave this service
 * failing calls long after im-repo is back (at most 1 s here). Identical options also let the clients share one
 * connection.
 */
const CHANNEL_OPTIONS = { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 1000 };

export class RepoClient implements UserDirectory, FriendGraph, GroupDirectory, MessageStore, PresenceReader {
  private readonly users: UserServiceClient;
  private readonly friends: FriendServiceClient;
  private readonly groups: GroupServiceClient;
  private readonly messages: MessageServiceClient;
  private readonly presence: PresenceServiceClient;
  /** The lanes' SaveMessages calls of one turn leave as one (save-coalescer.ts). */
  private readonly saves = coalescedSaves((messages, marks) => this.saveNow(messages, marks));

  constructor(address: string) {
    this.users = connectClient(UserServiceClient, address, CHANNEL_OPTIONS);
    this.friends = connectClient(FriendServiceClient, address, CHANNEL_OPTIONS);
    this.groups = connectClient(GroupServiceClient, address, CHANNEL_OPTIONS);
    this.messages = connectClient(MessageServiceClient, address, CHANNEL_OPTIONS);
    this.presence = connectClient(PresenceServiceClient, address, CHANNEL_OPTIONS);
  }

  close(): void {
    for (const c of [this.users, this.friends, this.groups, this.messages, this.presence] as Client[]) c.close();
  }

  async createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User> {
    try {
      const res = await repoCall(this.users, 'createUser', { ...input, userId: '' });
      return required(res.user, 'CreateUser returned no user');
    } catch (err) {
      // Clients see the code of docs/protocol.md, whatever finer code im-repo uses internally.
      if (isDomainError(err) && err.kind === 'ALREADY_EXISTS') {
        throw new AlreadyExists(`username "${input.username}" is taken`, { cause: err });
      }
      throw err;
    }
  }
  async getCredential(username: string): Promise<StoredCredential | undefined> {
    const res = await orUndefined(repoCall(this.users, 'getCredential', { username }));
    if (res?.user === undefined) return undefined;
    return { user: res.user, passwordHash: res.passwordHash };
  }
  async getUsers(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return inBatches(ids, async (userIds) => (await repoCall(this.users, 'getUsers', { userIds })).users);
  }
  async listUsers(limit: number, cursor: string): Promise<{ users: User[]; nextCursor: string }> {
    return repoCall(this.users, 'listUsers', { page: { limit, cursor } });
  }

  async listFriends(userId: string): Promise<FriendEntry[]> {
    const res = await repoCall(this.friends, 'getUserFriends', { userId });
    return res.friends.flatMap((f) => (f.user ? [{ user: f.user, sinceMs: f.sinceMs }] : []));
  }
  async areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): Promise<boolean[]> {
    if (pairs.length === 0) return [];
    return (await repoCall(this.friends, 'areFriends', { pairs: [...pairs] })).friends;
  }
  async addFriend(userId: string, friendId: string): Promise<boolean> {
    return (await repoCall(this.friends, 'addFriend', { userId, friendId })).created;
  }
  async removeFriend(userId: string, friendId: string): Promise<boolean> {
    return (await repoCall(this.friends, 'removeFriend', { userId, friendId })).removed;
  }
  async requestFriendship(fromUserId: string, toUserId: string): Promise<{ outcome: string; atMs: number }> {
    return repoCall(this.friends, 'requestFriendship', { fromUserId, toUserId });
  }
  async answerFriendship(userId: string, fromUserId: string, accept: boolean) {
    return repoCall(this.friends, 'answerFriendship', { userId, fromUserId, accept });
  }
  async listFriendshipRequests(userId: string) {
    return repoCall(this.friends, 'listFriendshipRequests', { userId });
  }

  async createGroup(input: {
    name: string;
    ownerId: string;
    memberIds: string[];
  }): Promise<{ group: Group; members: GroupMember[] }> {
    const res = await repoCall(this.groups, 'createGroup', { ...input, groupId: '' });
    return { group: required(res.group, 'CreateGroup returned no group'), members: res.members };
  }
  async getGroup(groupId: string): Promise<Group | undefined> {
    return (await orUndefined(repoCall(this.groups, 'getGroup', { groupId })))?.group;
  }
  async addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
  ): Promise<{ member: GroupMember; alreadyMember: boolean; memberCount: number }> {
    const res = await repoCall(this.groups, 'addGroupMember', { groupId, userId, role });
    return {
      member: required(res.member, 'AddGroupMember returned no member'),
      alreadyMember: res.alreadyMember,
      memberCount: res.memberCount,
    };
  }
  async getMembers(groupId: string): Promise<GroupMember[]> {
    return (await orUndefined(repoCall(this.groups, 'getGroupMembers', { groupId })))?.members ?? [];
  }
  async getUserGroups(userId: string): Promise<Group[]> {
    return (await repoCall(this.groups, 'getUserGroups', { userId })).groups;
  }

  async saveMessage(message: ChatMessage): Promise<{ message: ChatMessage; duplicate: boolean; dispatched: boolean }> {
    const res = await repoCall(this.messages, 'saveMessage', { message });
    return {
      message: required(res.message, 'SaveMessage returned no message'),
      duplicate: res.duplicate,
      dispatched: res.dispatched,
    };
  }
  saveMessages(messages: ChatMessage[], dispatchedMessageIds: string[]): Promise<SaveOutcome[]> {
    return this.saves(messages, dispatchedMessageIds);
  }
  private async saveNow(messages: ChatMessage[], dispatchedMessageIds: string[]): Promise<SaveOutcome[]> {
    const res = await repoCall(this.messages, 'saveMessages', {
      messages,
      dispatchedMessageIds,
      requireP2pFriendship: true,
      requireGroupMembership: true,
    });
    const membersOf = new Map(res.groupMembers.map((g) => [groupConversationId(g.groupId), g.userIds]));
    return res.results.map(({ saved, ...refusal }) => {
      const message = saved && required(saved.message, 'SaveMessages returned no message');
      return {
        ...refusal,
        saved: saved && message && { ...saved, message },
        memberIds: (message && membersOf.get(message.conversationId)) ?? [],
      };
    });
  }
  async markDispatched(messageId: string): Promise<void> {
    await repoCall(this.messages, 'markDispatched', { messageId });
  }
  async pullMessages(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; maxSeq: number }> {
    return repoCall(this.messages, 'pullMessages', { conversationId, fromSeq, toSeq, limit });
  }
  async updateReadPointer(userId: string, conversationId: string, seq: number): Promise<ReadPointerUpdate> {
    return repoCall(this.messages, 'updateReadPointer', { userId, conversationId, seq });
  }
  async getUserConversations(userId: string): Promise<Conversation[]> {
    return (await repoCall(this.messages, 'getUserConversations', { userId })).conversations;
  }

  async getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    return inBatches(
      userIds,
      async (batch) => (await repoCall(this.presence, 'getUsersPresence', { userIds: batch })).users,
    );
  }
}

function required<T>(value: T | undefined, problem: string): T {
  if (value === undefined) throw new Error(problem);
  return value;
}

/** im-repo takes at most 1,000 ids per lookup; a user may have more friends than that. */
const IDS_PER_CALL = 500;

async function inBatches<T>(ids: readonly string[], lookup: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) results.push(...(await lookup(ids.slice(i, i + IDS_PER_CALL))));
  return results;
}
