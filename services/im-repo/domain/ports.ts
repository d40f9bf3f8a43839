// What im-repo's use cases need from storage. SQLite stores are synchronous (better-sqlite3): each method is one
// transaction, which is what makes "dedup + next seq + insert" atomic. Presence lives in Redis and is async.
import type {
  ChatMessage,
  ConversationType,
  FriendRequest,
  Group,
  GroupMember,
  GroupRole,
  PresenceConnection,
  User,
  UserPresence,
} from '../../../proto/gen/gochat/common/v1/common';
import type { GatewayInfo } from '../../../proto/gen/gochat/repo/v1/repo';

export interface NewUser {
  userId: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAtMs: number;
}

export interface UserStore {
  /** Throws AlreadyExists (USERNAME_TAKEN or USER_ID_TAKEN). */
  create(user: NewUser): User;
  findCredential(username: string): { user: User; passwordHash: string } | undefined;
  /** The users that exist among ids, in the order asked. */
  getMany(userIds: readonly string[]): User[];
  /** The ids among userIds that do not exist. */
  missing(userIds: readonly string[]): string[];
  /** Users ordered by user id, after the given id. */
  list(limit: number, afterUserId: string): User[];
}

export interface FriendStore {
  /** Stores both directions; false when they were already friends. */
  add(userId: string, friendId: string, sinceMs: number): boolean;
  remove(userId: string, friendId: string): boolean;
  areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): boolean[];
  list(userId: string): { user: User; sinceMs: number }[];
  /** One transaction; a reverse request makes them friends at once. `atMs` is the request's (or friendship's) time. */
  request(fromUserId: string, toUserId: string, nowMs: number): { outcome: FriendRequestOutcome; atMs: number };
  /** Removes the request from -> to; accepting stores the friendship in the same transaction. */
  answer(toUserId: string, fromUserId: string, accept: boolean, nowMs: number): { found: boolean };
  requests(userId: string): { incoming: FriendRequest[]; outgoing: FriendRequest[] };
}

export type FriendRequestOutcome = 'pending' | 'accepted' | 'already_friends';

export interface NewGroup {
  groupId: string;
  name: string;
  ownerId: string;
  createdAtMs: number;
  members: { userId: string; role: GroupRole }[];
}

export interface GroupStore {
  /** Throws AlreadyExists (GROUP_ID_TAKEN). */
  create(group: NewGroup): { group: Group; members: GroupMember[] };
  get(groupId: string): Group | undefined;
  /** Adds a member whose history starts after the group's current max seq; returns the existing one if present. */
  addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
    joinedAtMs: number,
  ): { member: GroupMember; alreadyMember: boolean; memberCount: number };
  removeMember(groupId: string, userId: string): { removed: boolean; memberCount: number };
  members(groupId: string): GroupMember[];
  groupsOf(userId: string): Group[];
}

export interface NewMessage {
  messageId: string;
  conversationId: string;
  conversationType: ConversationType;
  senderId: string;
  clientMsgId: string;
  contentType: string;
  body: string;
  sentAtMs: number;
}

export interface ReadPointerUpdate {
  readSeq: number;
  previousReadSeq: number;
  advanced: boolean;
  maxSeq: number;
}

export interface ConversationSummary {
  conversationId: string;
  conversationType: ConversationType;
  maxSeq: number;
  readSeq: number;
  unreadCount: number;
  lastMessage: ChatMessage | undefined;
}

export interface SavedMessage {
  message: ChatMessage;
  duplicate: boolean;
  /** The message's delivery was published (markDispatched); always false for a new message. */
  dispatched: boolean;
}

export interface MessageStore {
  /**
   * Runs work in one transaction; the store's own transactions nest inside it. Work handed in at about the same
   * time may share one commit (one fsync); the promise settles once that commit is durable.
   */
  inTransaction<T>(work: () => T): Promise<T>;
  /** One transaction: dedup by (sender, client_msg_id), next seq, insert. A retry returns the original. */
  save(message: NewMessage): SavedMessage;
  /** Marks the delivery of a stored message as published; false when it was already marked. */
  markDispatched(messageId: string, atMs: number): boolean;
  allocateSeqs(conversationId: string, count: number): { firstSeq: number; lastSeq: number };
  /** from <= seq <= to (to 0 = latest), oldest first, at most limit. */
  pull(conversationId: string, fromSeq: number, toSeq: number, limit: number): ChatMessage[];
  /** The seqs stored from fromSeq to toSeq (both included), ascending: no message is read. */
  storedSeqs(conversationId: string, fromSeq: number, toSeq: number): number[];
  maxSeq(conversationId: string): number;
  /** Moves forward only, capped at the conversation's max seq. */
  updateReadPointer(userId: string, conversationId: string, seq: number, atMs: number): ReadPointerUpdate;
  /** Pointers of the given conversations (0 where none is stored), or all of the user's when none is given. */
  readPointers(
    userId: string,
    conversationIds: readonly string[],
  ): { conversationId: string; readSeq: number; updatedAtMs: number }[];
  /** Records a stored message in each member's conversation index; false when the message is not stored. */
  index(conversationId: string, seq: number, memberIds: readonly string[], atMs: number): boolean;
  hasMessage(conversationId: string, seq: number): boolean;
  /**
   * The user's indexed conversations, most recent first. In a group, unread counts and the last message start at
   * the user's joined_seq: history from before the join is not theirs to read.
   */
  conversationsOf(userId: string): ConversationSummary[];
}

export interface GatewayRegistration {
  gatewayId: string;
  grpcAddress: string;
  publicAddress: string;
}

export interface PresenceStore {
  /** first_connection only when this connection is the user's only one now. */
  setOnline(
    userId: string,
    connId: string,
    gatewayId: string,
    ttlMs: number,
  ): Promise<{ firstConnection: boolean; connectionCount: number }>;
  /** last_connection only when a connection was removed and none is left. */
  setOffline(
    userId: string,
    connId: string,
    gatewayId: string,
  ): Promise<{ lastConnection: boolean; connectionCount: number }>;
  /** Renews the listed connections, then removes expired ones and returns users left with none. */
  heartbeat(
    gatewayId: string,
    connections: readonly { userId: string; connId: string }[],
    ttlMs: number,
  ): Promise<{ renewed: number; expiredUserIds: string[] }>;
  getPresence(userIds: readonly string[]): Promise<UserPresence[]>;
  listOnline(): Promise<UserPresence[]>;
  registerGateway(gateway: GatewayRegistration, ttlMs: number): Promise<GatewayInfo>;
  listGateways(): Promise<GatewayInfo[]>;
}

export type { PresenceConnection };

/** A validated bulk seeding; friendships and groups name users by index into `users`. */
export interface SeedBatch {
  users: NewUser[];
  friendships: { a: number; b: number }[];
  groups: { groupId: string; name: string; owner: number; members: number[] }[];
  nowMs: number;
}

export interface SeedStore {
  /**
   * Stores the batch in one transaction. A username that exists already keeps its row (id, password) and is
   * returned with created = false; friendships and groups then use that user.
   */
  seed(batch: SeedBatch): { users: User[]; created: boolean[]; groups: Group[] };
}
