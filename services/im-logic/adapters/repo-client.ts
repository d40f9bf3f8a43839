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
import { AlreadyExists, isDomainError } from '../../../lib/errors';
import { call, connectClient } from '../../../lib/grpc';
import { traceOptions } from './trace-scope';
import type {
  FriendEntry,
  FriendGraph,
  GroupDirectory,
  MessageStore,
  PresenceReader,
  ReadPointerUpdate,
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

export class RepoClient implements UserDirectory, FriendGraph, GroupDirectory, MessageStore, PresenceReader {
  private readonly users: UserServiceClient;
  private readonly friends: FriendServiceClient;
  private readonly groups: GroupServiceClient;
  private readonly messages: MessageServiceClient;
  private readonly presence: PresenceServiceClient;

  constructor(address: string) {
    this.users = connectClient(UserServiceClient, address);
    // One channel per client class would open five connections to the same address; grpc-js shares the
    // subchannel when the target and options match, so this stays one TCP connection.
    this.friends = connectClient(FriendServiceClient, address);
    this.groups = connectClient(GroupServiceClient, address);
    this.messages = connectClient(MessageServiceClient, address);
    this.presence = connectClient(PresenceServiceClient, address);
  }

  close(): void {
    for (const c of [this.users, this.friends, this.groups, this.messages, this.presence] as Client[]) c.close();
  }

  async createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User> {
    try {
      const res = await call(this.users, 'createUser', { ...input, userId: '' }, traceOptions());
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
    const res = await orUndefined(call(this.users, 'getCredential', { username }, traceOptions()));
    if (res?.user === undefined) return undefined;
    return { user: res.user, passwordHash: res.passwordHash };
  }
  async getUsers(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return (await call(this.users, 'getUsers', { userIds: [...ids] }, traceOptions())).users;
  }
  async listUsers(limit: number, cursor: string): Promise<{ users: User[]; nextCursor: string }> {
    return call(this.users, 'listUsers', { page: { limit, cursor } }, traceOptions());
  }

  async listFriends(userId: string): Promise<FriendEntry[]> {
    const res = await call(this.friends, 'getUserFriends', { userId }, traceOptions());
    return res.friends.flatMap((f) => (f.user ? [{ user: f.user, sinceMs: f.sinceMs }] : []));
  }
  async addFriend(userId: string, friendId: string): Promise<boolean> {
    return (await call(this.friends, 'addFriend', { userId, friendId }, traceOptions())).created;
  }
  async removeFriend(userId: string, friendId: string): Promise<boolean> {
    return (await call(this.friends, 'removeFriend', { userId, friendId }, traceOptions())).removed;
  }

  async createGroup(input: {
    name: string;
    ownerId: string;
    memberIds: string[];
  }): Promise<{ group: Group; members: GroupMember[] }> {
    const res = await call(this.groups, 'createGroup', { ...input, groupId: '' }, traceOptions());
    return { group: required(res.group, 'CreateGroup returned no group'), members: res.members };
  }
  async getGroup(groupId: string): Promise<Group | undefined> {
    return (await orUndefined(call(this.groups, 'getGroup', { groupId }, traceOptions())))?.group;
  }
  async addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
  ): Promise<{ member: GroupMember; alreadyMember: boolean; memberCount: number }> {
    const res = await call(this.groups, 'addGroupMember', { groupId, userId, role }, traceOptions());
    return {
      member: required(res.member, 'AddGroupMember returned no member'),
      alreadyMember: res.alreadyMember,
      memberCount: res.memberCount,
    };
  }
  async getMembers(groupId: string): Promise<GroupMember[]> {
    return (await orUndefined(call(this.groups, 'getGroupMembers', { groupId }, traceOptions())))?.members ?? [];
  }
  async getUserGroups(userId: string): Promise<Group[]> {
    return (await call(this.groups, 'getUserGroups', { userId }, traceOptions())).groups;
  }

  async saveMessage(message: ChatMessage): Promise<{ message: ChatMessage; duplicate: boolean }> {
    const res = await call(this.messages, 'saveMessage', { message }, traceOptions());
    return { message: required(res.message, 'SaveMessage returned no message'), duplicate: res.duplicate };
  }
  async pullMessages(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; maxSeq: number }> {
    return call(this.messages, 'pullMessages', { conversationId, fromSeq, toSeq, limit }, traceOptions());
  }
  async updateReadPointer(userId: string, conversationId: string, seq: number): Promise<ReadPointerUpdate> {
    return call(this.messages, 'updateReadPointer', { userId, conversationId, seq }, traceOptions());
  }
  async getUserConversations(userId: string): Promise<Conversation[]> {
    return (await call(this.messages, 'getUserConversations', { userId }, traceOptions())).conversations;
  }

  async getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    return (await call(this.presence, 'getUsersPresence', { userIds: [...userIds] }, traceOptions())).users;
  }
}

function required<T>(value: T | undefined, problem: string): T {
  if (value === undefined) throw new Error(problem);
  return value;
}
