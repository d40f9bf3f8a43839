// What the im-logic domain needs from the outside world. The adapters implement these over im-repo's gRPC API and
// Kafka; the unit tests implement them in memory.
import type {
  ChatMessage,
  FriendRequest,
  Group,
  GroupMember,
  GroupRole,
  User,
  UserPresence,
} from '../../../proto/gen/gochat/common/v1/common';
import type { Conversation } from '../../../proto/gen/gochat/repo/v1/repo';

export interface StoredCredential {
  user: User;
  passwordHash: string;
}

export interface UserDirectory {
  /** Throws AlreadyExists when the username is taken. */
  createUser(input: { username: string; displayName: string; passwordHash: string }): Promise<User>;
  /** undefined when no user has this username. */
  getCredential(username: string): Promise<StoredCredential | undefined>;
  /** The users that exist among ids, in any order. */
  getUsers(ids: readonly string[]): Promise<User[]>;
  listUsers(limit: number, cursor: string): Promise<{ users: User[]; nextCursor: string }>;
}

export interface FriendEntry {
  user: User;
  sinceMs: number;
}

export interface FriendGraph {
  listFriends(userId: string): Promise<FriendEntry[]>;
  /** Whether each pair are friends, in one lookup. */
  areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): Promise<boolean[]>;
  /** false when they were already friends. */
  addFriend(userId: string, friendId: string): Promise<boolean>;
  removeFriend(userId: string, friendId: string): Promise<boolean>;
  requestFriendship(fromUserId: string, toUserId: string): Promise<{ outcome: string; atMs: number }>;
  answerFriendship(
    userId: string,
    fromUserId: string,
    accept: boolean,
  ): Promise<{ found: boolean; accepted: boolean; atMs: number }>;
  listFriendshipRequests(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }>;
}

export interface GroupDirectory {
  createGroup(input: { name: string; ownerId: string; memberIds: string[] }): Promise<{
    group: Group;
    members: GroupMember[];
  }>;
  /** undefined when the group does not exist. */
  getGroup(groupId: string): Promise<Group | undefined>;
  addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
  ): Promise<{ member: GroupMember; alreadyMember: boolean; memberCount: number }>;
  /** Empty when the group does not exist or has no members. */
  getMembers(groupId: string): Promise<GroupMember[]>;
  getUserGroups(userId: string): Promise<Group[]>;
}

export interface ReadPointerUpdate {
  readSeq: number;
  previousReadSeq: number;
  advanced: boolean;
  maxSeq: number;
}

export interface MessageStore {
  /**
   * Atomic dedup by (sender, client_msg_id) + next seq + insert. For a duplicate, dispatched tells whether the
   * original's delivery was published (markDispatched) by the attempt that stored it.
   */
  saveMessage(message: ChatMessage): Promise<{ message: ChatMessage; duplicate: boolean; dispatched: boolean }>;
  markDispatched(messageId: string): Promise<void>;
  /**
   * saveMessage for many messages in one transaction, in order, each answered on its own (refused: why an invalid
   * message was not stored); dispatchedMessageIds are marked (markDispatched) in the same commit. Read in that
   * same transaction: a p2p message whose sender and peer are not friends is refused with notFriends; a group
   * message to no group with noSuchGroup, from a non-member with notMember, and a stored one gets the group's
   * members as they were (memberIds).
   */
  saveMessages(messages: ChatMessage[], dispatchedMessageIds: string[]): Promise<SaveOutcome[]>;
  pullMessages(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; maxSeq: number }>;
  updateReadPointer(userId: string, conversationId: string, seq: number): Promise<ReadPointerUpdate>;
  getUserConversations(userId: string): Promise<Conversation[]>;
}

export interface SaveOutcome {
  saved: { message: ChatMessage; duplicate: boolean; dispatched: boolean } | undefined;
  refused: string;
  notFriends: boolean;
  notMember: boolean;
  noSuchGroup: boolean;
  /** A stored group message's members when it was stored (shared by the outcomes of one group); else empty. */
  memberIds: string[];
}

export interface PresenceReader {
  getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]>;
}

/** Where a domain event came from, so the published record joins the same trace. */
export interface EventOrigin {
  /** W3C traceparent of the work that caused the event. */
  traceparent?: string | undefined;
}

/**
 * Domain events im-logic publishes. The adapter adds the event meta (id, type, time, producer, trace) and picks
 * topic and key; resolving means the broker acknowledged the record (acks -1).
 */
export interface LogicEventPublisher {
  messagePersisted(event: { message: ChatMessage; memberIds: string[] }, origin: EventOrigin): Promise<void>;
  messageDownstream(event: DownstreamDelivery, origin: EventOrigin): Promise<void>;
  messageRead(
    event: {
      readerId: string;
      conversationId: string;
      conversationType: ChatMessage['conversationType'];
      previousReadSeq: number;
      readSeq: number;
      readAtMs: number;
    },
    origin: EventOrigin,
  ): Promise<void>;
  friendRequested(
    event: { fromUserId: string; toUserId: string; requestedAtMs: number },
    origin: EventOrigin,
  ): Promise<void>;
  friendRequestAccepted(
    event: { fromUserId: string; toUserId: string; acceptedAtMs: number },
    origin: EventOrigin,
  ): Promise<void>;
  groupMemberJoined(
    event: {
      groupId: string;
      userId: string;
      role: GroupRole;
      operatorId: string;
      joinedSeq: number;
      memberCount: number;
    },
    origin: EventOrigin,
  ): Promise<void>;
}

/** One MessageDownstream record: a message to deliver, a repeated ack, or a refused send. */
export interface DownstreamDelivery {
  conversationId: string;
  message?: ChatMessage | undefined;
  recipientIds: string[];
  originGatewayId: string;
  originConnId: string;
  ackOnly: boolean;
  error?: { code: string; message: string } | undefined;
  clientMsgId: string;
  senderId: string;
}

export interface Clock {
  nowMs(): number;
}

/** Bulk seeding in im-repo: users (with hashes), friendships and groups by index into users, in one transaction. */
export interface UserSeeder {
  seedUsers(request: {
    users: { username: string; displayName: string; passwordHash: string }[];
    friendships: { a: number; b: number }[];
    groups: { name: string; owner: number; members: number[] }[];
  }): Promise<{ users: User[]; created: boolean[]; groups: Group[] }>;
}
