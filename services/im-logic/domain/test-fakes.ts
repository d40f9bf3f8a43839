// In-memory stand-ins for im-logic's ports, for unit tests of the domain. They keep the rules im-repo promises
// (dedup by sender + client_msg_id, gapless seqs, forward-only read pointers capped at max seq).
import {
  GroupRole,
  PresenceStatus,
  type ChatMessage,
  type Group,
  type GroupMember,
  type User,
  type UserPresence,
} from '../../../proto/gen/gochat/common/v1/common';
import type { Conversation } from '../../../proto/gen/gochat/repo/v1/repo';
import { AlreadyExists, NotFound } from './errors';
import type {
  DownstreamDelivery,
  EventOrigin,
  FriendEntry,
  FriendGraph,
  GroupDirectory,
  LogicEventPublisher,
  MessageStore,
  PresenceReader,
  ReadPointerUpdate,
  SaveOutcome,
  StoredCredential,
  UserDirectory,
} from './ports';

export class FakeRepo implements UserDirectory, FriendGraph, GroupDirectory, MessageStore, PresenceReader {
  users = new Map<string, StoredCredential>();
  friendships = new Map<string, Map<string, number>>();
  groupsById = new Map<string, Group>();
  members = new Map<string, GroupMember[]>();
  messages = new Map<string, ChatMessage[]>();
  readPointers = new Map<string, number>();
  online = new Set<string>();
  /** Set to make every call fail as if im-repo were down. */
  unavailable = false;
  private nextId = 1;

  private check(): void {
    if (this.unavailable) throw new Error('repo unavailable');
  }

  addUser(username: string): User {
    const user: User = { userId: `u${this.nextId++}`, username, displayName: username, createdAtMs: 1 };
    this.users.set(username, { user, passwordHash: '' });
    return user;
  }

  async createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User> {
    this.check();
    if (this.users.has(input.username)) throw new AlreadyExists(`username ${input.username} is taken`);
    const user: User = {
      userId: `u${this.nextId++}`,
      username: input.username,
      displayName: input.displayName,
      createdAtMs: 1,
    };
    this.users.set(input.username, { user, passwordHash: input.passwordHash });
    return user;
  }
  async getCredential(username: string): Promise<StoredCredential | undefined> {
    this.check();
    return this.users.get(username);
  }
  async getUsers(ids: readonly string[]): Promise<User[]> {
    this.check();
    return [...this.users.values()].map((c) => c.user).filter((u) => ids.includes(u.userId));
  }
  async listUsers(limit: number, cursor: string): Promise<{ users: User[]; nextCursor: string }> {
    this.check();
    const all = [...this.users.values()].map((c) => c.user);
    const start = cursor === '' ? 0 : Number(cursor);
    const users = all.slice(start, start + limit);
    return { users, nextCursor: start + limit < all.length ? String(start + limit) : '' };
  }

  async listFriends(userId: string): Promise<FriendEntry[]> {
    this.check();
    const mine = this.friendships.get(userId) ?? new Map<string, number>();
    const users = await this.getUsers([...mine.keys()]);
    return users.map((user) => ({ user, sinceMs: mine.get(user.userId) ?? 0 }));
  }
  async areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): Promise<boolean[]> {
    this.check();
    return pairs.map((p) => this.friendships.get(p.userId)?.has(p.friendId) ?? false);
  }
  async addFriend(userId: string, friendId: string): Promise<boolean> {
    this.check();
    const created = !this.friendships.get(userId)?.has(friendId);
    for (const [a, b] of [
      [userId, friendId],
      [friendId, userId],
    ] as const) {
      const m = this.friendships.get(a) ?? new Map<string, number>();
      m.set(b, 5);
      this.friendships.set(a, m);
    }
    return created;
  }
  async removeFriend(userId: string, friendId: string): Promise<boolean> {
    this.check();
    const removed = this.friendships.get(userId)?.delete(friendId) ?? false;
    this.friendships.get(friendId)?.delete(userId);
    return removed;
  }
  /** Pending requests as "from->to" -> requested at. */
  friendRequests = new Map<string, number>();
  async requestFriendship(fromUserId: string, toUserId: string): Promise<{ outcome: string; atMs: number }> {
    this.check();
    const found = new Set((await this.getUsers([fromUserId, toUserId])).map((u) => u.userId));
    const missing = [fromUserId, toUserId].find((id) => !found.has(id));
    if (missing !== undefined) throw new NotFound(`no user "${missing}"`);
    if (this.friendships.get(fromUserId)?.has(toUserId)) return { outcome: 'already_friends', atMs: 7 };
    if (this.friendRequests.delete(`${toUserId}->${fromUserId}`)) {
      await this.addFriend(fromUserId, toUserId);
      return { outcome: 'accepted', atMs: 7 };
    }
    if (!this.friendRequests.has(`${fromUserId}->${toUserId}`))
      this.friendRequests.set(`${fromUserId}->${toUserId}`, 6);
    return { outcome: 'pending', atMs: this.friendRequests.get(`${fromUserId}->${toUserId}`)! };
  }
  async answerFriendship(userId: string, fromUserId: string, accept: boolean) {
    this.check();
    const found = this.friendRequests.delete(`${fromUserId}->${userId}`);
    if (found && accept) await this.addFriend(fromUserId, userId);
    return { found, accepted: found && accept, atMs: 8 };
  }
  async listFriendshipRequests(userId: string) {
    this.check();
    const byId = new Map([...this.users.values()].map((c) => [c.user.userId, c.user]));
    const all = [...this.friendRequests].map(([key, requestedAtMs]) => {
      const [from, to] = key.split('->') as [string, string];
      return { fromUser: byId.get(from), toUser: byId.get(to), requestedAtMs };
    });
    return {
      incoming: all.filter((r) => r.toUser?.userId === userId),
      outgoing: all.filter((r) => r.fromUser?.userId === userId),
    };
  }

  async createGroup(input: {
    name: string;
    ownerId: string;
    memberIds: string[];
  }): Promise<{ group: Group; members: GroupMember[] }> {
    this.check();
    const groupId = `g${this.nextId++}`;
    const member = (userId: string, role: GroupRole): GroupMember => ({
      groupId,
      userId,
      role,
      joinedAtMs: 1,
      joinedSeq: 1,
    });
    const members = [
      member(input.ownerId, GroupRole.GROUP_ROLE_OWNER),
      ...input.memberIds.map((id) => member(id, GroupRole.GROUP_ROLE_MEMBER)),
    ];
    const group: Group = {
      groupId,
      name: input.name,
      ownerId: input.ownerId,
      createdAtMs: 1,
      memberCount: members.length,
    };
    this.groupsById.set(groupId, group);
    this.members.set(groupId, members);
    return { group, members };
  }
  async getGroup(groupId: string): Promise<Group | undefined> {
    this.check();
    return this.groupsById.get(groupId);
  }
  async addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
  ): Promise<{ member: GroupMember; alreadyMember: boolean; memberCount: number }> {
    this.check();
    const members = this.members.get(groupId) ?? [];
    const existing = members.find((m) => m.userId === userId);
    if (existing) return { member: existing, alreadyMember: true, memberCount: members.length };
    const joinedSeq = this.maxSeq(`group:${groupId}`) + 1;
    const member: GroupMember = { groupId, userId, role, joinedAtMs: 2, joinedSeq };
    members.push(member);
    this.members.set(groupId, members);
    return { member, alreadyMember: false, memberCount: members.length };
  }
  getMembersCalls = 0;
  async getMembers(groupId: string): Promise<GroupMember[]> {
    this.check();
    this.getMembersCalls += 1;
    return [...(this.members.get(groupId) ?? [])];
  }
  async getUserGroups(userId: string): Promise<Group[]> {
    this.check();
    return [...this.groupsById.values()].filter((g) => this.members.get(g.groupId)?.some((m) => m.userId === userId));
  }

  maxSeq(conversationId: string): number {
    return this.messages.get(conversationId)?.length ?? 0;
  }
  readonly dispatched = new Set<string>();
  async saveMessage(message: ChatMessage): Promise<{ message: ChatMessage; duplicate: boolean; dispatched: boolean }> {
    this.check();
    for (const list of this.messages.values()) {
      const same = list.find((m) => m.senderId === message.senderId && m.clientMsgId === message.clientMsgId);
      if (same) return { message: same, duplicate: true, dispatched: this.dispatched.has(same.messageId) };
    }
    const list = this.messages.get(message.conversationId) ?? [];
    const stored: ChatMessage = { ...message, seq: list.length + 1, messageId: `m${this.nextId++}`, sentAtMs: 10 };
    list.push(stored);
    this.messages.set(message.conversationId, list);
    return { message: stored, duplicate: false, dispatched: false };
  }
  async markDispatched(messageId: string): Promise<void> {
    this.check();
    this.dispatched.add(messageId);
  }
  saveMessageCalls = 0;
  async saveMessages(messages: ChatMessage[], dispatchedMessageIds: string[]): Promise<SaveOutcome[]> {
    this.check();
    this.saveMessageCalls += 1;
    for (const id of dispatchedMessageIds) this.dispatched.add(id);
    const out: SaveOutcome[] = [];
    const stored = { refused: '', notFriends: false, notMember: false, noSuchGroup: false, memberIds: [] };
    const refused = { ...stored, saved: undefined };
    for (const message of messages) {
      const users = message.conversationId.startsWith('p2p:') ? message.conversationId.split(':').slice(1) : [];
      const peer = users.find((id) => id !== message.senderId);
      const groupId = message.conversationId.startsWith('group:') ? message.conversationId.slice(6) : undefined;
      const memberIds = groupId === undefined ? [] : (this.members.get(groupId) ?? []).map((m) => m.userId);
      if (peer !== undefined && !this.friendships.get(message.senderId)?.has(peer)) {
        out.push({ ...refused, refused: 'sender and peer are not friends', notFriends: true });
      } else if (groupId !== undefined && !this.groupsById.has(groupId)) {
        out.push({ ...refused, refused: `group ${groupId} does not exist`, noSuchGroup: true });
      } else if (groupId !== undefined && !memberIds.includes(message.senderId)) {
        out.push({ ...refused, refused: 'the sender is not a member', notMember: true });
      } else out.push({ ...stored, saved: await this.saveMessage(message), memberIds });
    }
    return out;
  }
  async pullMessages(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; maxSeq: number }> {
    this.check();
    const list = this.messages.get(conversationId) ?? [];
    const messages = list.filter((m) => m.seq >= fromSeq && (toSeq === 0 || m.seq <= toSeq)).slice(0, limit);
    return { messages, maxSeq: list.length };
  }
  async updateReadPointer(userId: string, conversationId: string, seq: number): Promise<ReadPointerUpdate> {
    this.check();
    const key = `${userId}|${conversationId}`;
    const previous = this.readPointers.get(key) ?? 0;
    const maxSeq = this.maxSeq(conversationId);
    const next = Math.min(seq, maxSeq);
    if (next <= previous) return { readSeq: previous, previousReadSeq: previous, advanced: false, maxSeq };
    this.readPointers.set(key, next);
    return { readSeq: next, previousReadSeq: previous, advanced: true, maxSeq };
  }
  async getUserConversations(): Promise<Conversation[]> {
    this.check();
    return [];
  }
  async getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    this.check();
    return userIds.map((userId) => ({
      userId,
      status: this.online.has(userId) ? PresenceStatus.PRESENCE_STATUS_ONLINE : PresenceStatus.PRESENCE_STATUS_OFFLINE,
      connections: [],
    }));
  }
}

export type RecordedEvent =
  | { kind: 'persist'; message: ChatMessage; memberIds: string[]; origin: EventOrigin }
  | { kind: 'downstream'; delivery: DownstreamDelivery; origin: EventOrigin }
  | { kind: 'read'; event: Parameters<LogicEventPublisher['messageRead']>[0] }
  | { kind: 'joined'; event: Parameters<LogicEventPublisher['groupMemberJoined']>[0] }
  | { kind: 'friend.requested'; event: Parameters<LogicEventPublisher['friendRequested']>[0] }
  | { kind: 'friend.accepted'; event: Parameters<LogicEventPublisher['friendRequestAccepted']>[0] };

export class RecordingPublisher implements LogicEventPublisher {
  events: RecordedEvent[] = [];
  async messagePersisted(event: { message: ChatMessage; memberIds: string[] }, origin: EventOrigin): Promise<void> {
    this.events.push({ kind: 'persist', ...event, origin });
  }
  async messageDownstream(delivery: DownstreamDelivery, origin: EventOrigin): Promise<void> {
    this.events.push({ kind: 'downstream', delivery, origin });
  }
  async messageRead(event: Parameters<LogicEventPublisher['messageRead']>[0]): Promise<void> {
    this.events.push({ kind: 'read', event });
  }
  async groupMemberJoined(event: Parameters<LogicEventPublisher['groupMemberJoined']>[0]): Promise<void> {
    this.events.push({ kind: 'joined', event });
  }
  async friendRequested(event: Parameters<LogicEventPublisher['friendRequested']>[0]): Promise<void> {
    this.events.push({ kind: 'friend.requested', event });
  }
  async friendRequestAccepted(event: Parameters<LogicEventPublisher['friendRequestAccepted']>[0]): Promise<void> {
    this.events.push({ kind: 'friend.accepted', event });
  }
  ofKind<K extends RecordedEvent['kind']>(kind: K): Extract<RecordedEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<RecordedEvent, { kind: K }> => e.kind === kind);
  }
}
