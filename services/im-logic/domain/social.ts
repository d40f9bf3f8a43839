// Friends and user search. Friendship is mutual and needs the other user's consent: a request that they accept
// (or their own request to the requester). `add` (no consent) is for tools and seeding only.
import { PresenceStatus, type FriendRequest, type User } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidField, NotFound } from './errors';
import { isValidId, searchPageSize } from '../../../lib/limits';
import type { EventOrigin, FriendGraph, LogicEventPublisher, PresenceReader, UserDirectory } from './ports';

export interface FriendWithStatus {
  user: User;
  status: PresenceStatus;
  sinceMs: number;
}

export class Friendships {
  constructor(
    private readonly users: UserDirectory,
    private readonly friends: FriendGraph,
    private readonly presence: PresenceReader,
    private readonly events: Pick<LogicEventPublisher, 'friendRequested' | 'friendRequestAccepted'>,
  ) {}

  /**
   * Asks friendId for friendship: they get friend.request.received. When friendId had already asked userId, this
   * is the consent: they are friends, and friendId gets friend.request.accepted.
   */
  async request(userId: string, friendId: string, origin: EventOrigin): Promise<string> {
    checkPair(userId, friendId);
    const { outcome, atMs } = await this.friends.requestFriendship(userId, friendId);
    if (outcome === 'pending') {
      await this.events.friendRequested({ fromUserId: userId, toUserId: friendId, requestedAtMs: atMs }, origin);
    } else if (outcome === 'accepted') {
      await this.events.friendRequestAccepted({ fromUserId: friendId, toUserId: userId, acceptedAtMs: atMs }, origin);
    }
    return outcome;
  }

  /** The recipient's answer to fromUserId's request; accepting tells the requester (friend.request.accepted). */
  async answer(userId: string, fromUserId: string, accept: boolean, origin: EventOrigin): Promise<boolean> {
    checkPair(userId, fromUserId);
    const res = await this.friends.answerFriendship(userId, fromUserId, accept);
    if (!res.found) throw new NotFound(`there is no friend request from ${fromUserId} to ${userId}`);
    if (res.accepted) {
      await this.events.friendRequestAccepted({ fromUserId, toUserId: userId, acceptedAtMs: res.atMs }, origin);
    }
    return res.accepted;
  }

  async requests(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
    requireId('user_id', userId);
    return this.friends.listFriendshipRequests(userId);
  }

  async add(userId: string, friendId: string): Promise<boolean> {
    checkPair(userId, friendId);
    const found = await this.users.getUsers([userId, friendId]);
    for (const id of [userId, friendId]) {
      if (!found.some((u) => u.userId === id)) throw new NotFound(`user ${id} does not exist`);
    }
    return this.friends.addFriend(userId, friendId);
  }

  async remove(userId: string, friendId: string): Promise<boolean> {
    checkPair(userId, friendId);
    return this.friends.removeFriend(userId, friendId);
  }

  async list(userId: string): Promise<FriendWithStatus[]> {
    requireId('user_id', userId);
    const friends = await this.friends.listFriends(userId);
    if (friends.length === 0) return [];
    const presence = await this.presence.getUsersPresence(friends.map((f) => f.user.userId));
    const online = new Set(
      presence.filter((p) => p.status === PresenceStatus.PRESENCE_STATUS_ONLINE).map((p) => p.userId),
    );
    return friends.map((f) => ({
      user: f.user,
      sinceMs: f.sinceMs,
      status: online.has(f.user.userId)
        ? PresenceStatus.PRESENCE_STATUS_ONLINE
        : PresenceStatus.PRESENCE_STATUS_OFFLINE,
    }));
  }

  /**
   * The user whose username is exactly the query (case-insensitive): one finds a person whose username one was
   * told, and cannot list who else uses the service. At most one user; the limit is checked for compatibility.
   */
  async search(query: string, limit: number): Promise<User[]> {
    const username = query.trim().toLowerCase();
    if (username === '') throw new InvalidField('query', 'is required');
    if (username.length > 64) throw new InvalidField('query', 'must be at most 64 characters');
    searchPageSize(limit);
    const credential = await this.users.getCredential(username);
    return credential === undefined ? [] : [credential.user];
  }
}

function requireId(field: string, id: string): void {
  if (id === '') throw new InvalidField(field, 'is required');
  if (!isValidId(id)) throw new InvalidField(field, 'is not a valid id');
}

function checkPair(userId: string, friendId: string): void {
  requireId('user_id', userId);
  requireId('friend_id', friendId);
  if (userId === friendId) throw new InvalidField('friend_id', 'cannot befriend yourself');
}

export { requireId };
