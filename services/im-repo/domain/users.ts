// Users and friendships: who exists, how they log in, and who is whose friend.
import { randomBytes } from 'node:crypto';
import type { FriendRequest, User } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument, NotFound } from '../../../lib/errors';
import { DISPLAY_NAME_MAX_LENGTH, USERNAME_PATTERN } from '../../../lib/limits';
import type { FriendRequestOutcome, FriendStore, UserStore } from './ports';
import { requireId, requireIds, requireIntInRange, requireText, type Clock } from './validation';

/** The same rule as registration's in im-logic (lib/limits.ts), so a seeded user can always log in. */
export const USERNAME_RE = USERNAME_PATTERN;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Most pairs in one AreFriends call (a consumer batch holds at most 500 sends). */
const MAX_PAIRS = 1000;

export function newUserId(): string {
  return `u_${randomBytes(8).toString('hex')}`;
}

export class UserDirectory {
  constructor(
    private readonly users: UserStore,
    private readonly clock: Clock,
  ) {}

  createUser(input: { username: string; displayName: string; passwordHash: string; userId: string }): User {
    if (!USERNAME_RE.test(input.username)) {
      throw new InvalidArgument(`username "${input.username}" must be 3-32 characters of a-z, 0-9, "_", "." or "-"`);
    }
    const displayName =
      input.displayName.trim() === ''
        ? input.username
        : requireText('display_name', input.displayName, DISPLAY_NAME_MAX_LENGTH);
    requireText('password_hash', input.passwordHash, 1024);
    const userId = input.userId === '' ? newUserId() : requireId('user_id', input.userId);
    return this.users.create({
      userId,
      username: input.username,
      displayName,
      passwordHash: input.passwordHash,
      createdAtMs: this.clock.now(),
    });
  }

  getCredential(username: string): { user: User; passwordHash: string } {
    requireText('username', username, 64);
    const credential = this.users.findCredential(username);
    if (!credential) throw new NotFound(`no user named "${username}"`, { code: 'USER_NOT_FOUND' });
    return credential;
  }

  /** The users that exist among ids; unknown ids are left out (a batch lookup, not an assertion). */
  getUsers(userIds: readonly string[]): User[] {
    return this.users.getMany(requireIds('user_ids', userIds));
  }

  listUsers(limit: number, cursor: string): { users: User[]; nextCursor: string } {
    const size = limit === 0 ? DEFAULT_PAGE_SIZE : requireIntInRange('page.limit', limit, 1, MAX_PAGE_SIZE);
    const after = cursor === '' ? '' : requireId('page.cursor', cursor);
    // One extra row tells whether another page exists without a second query.
    const rows = this.users.list(size + 1, after);
    const users = rows.slice(0, size);
    return { users, nextCursor: rows.length > size ? (users.at(-1)?.userId ?? '') : '' };
  }

  /** Throws NotFound naming the first unknown user. */
  requireExisting(field: string, userIds: readonly string[]): void {
    const [missing] = this.users.missing(userIds);
    if (missing !== undefined) throw new NotFound(`${field}: no user "${missing}"`, { code: 'USER_NOT_FOUND' });
  }
}

export class Friendships {
  constructor(
    private readonly friends: FriendStore,
    private readonly directory: UserDirectory,
    private readonly clock: Clock,
  ) {}

  list(userId: string): { user: User; sinceMs: number }[] {
    requireId('user_id', userId);
    this.directory.requireExisting('user_id', [userId]);
    return this.friends.list(userId);
  }

  add(userId: string, friendId: string): boolean {
    this.checkPair(userId, friendId);
    this.directory.requireExisting('user_id', [userId]);
    this.directory.requireExisting('friend_id', [friendId]);
    return this.friends.add(userId, friendId, this.clock.now());
  }

  remove(userId: string, friendId: string): boolean {
    this.checkPair(userId, friendId);
    return this.friends.remove(userId, friendId);
  }

  /** A request for friendship; the recipient's consent (answer) or their own request makes them friends. */
  request(fromUserId: string, toUserId: string): { outcome: FriendRequestOutcome; atMs: number } {
    this.checkPair(fromUserId, toUserId);
    this.directory.requireExisting('from_user_id', [fromUserId]);
    this.directory.requireExisting('to_user_id', [toUserId]);
    return this.friends.request(fromUserId, toUserId, this.clock.now());
  }

  answer(userId: string, fromUserId: string, accept: boolean): { found: boolean; accepted: boolean; atMs: number } {
    this.checkPair(userId, fromUserId);
    const atMs = this.clock.now();
    const { found } = this.friends.answer(userId, fromUserId, accept, atMs);
    return { found, accepted: found && accept, atMs };
  }

  requests(userId: string): { incoming: FriendRequest[]; outgoing: FriendRequest[] } {
    requireId('user_id', userId);
    return this.friends.requests(userId);
  }

  /** Whether each pair are friends; unknown users are simply nobody's friends. */
  areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): boolean[] {
    if (pairs.length > MAX_PAIRS) throw new InvalidArgument(`pairs lists ${pairs.length}; at most ${MAX_PAIRS}`);
    pairs.forEach((p, i) => {
      requireId(`pairs[${i}].user_id`, p.userId);
      requireId(`pairs[${i}].friend_id`, p.friendId);
    });
    return this.friends.areFriends(pairs);
  }

  private checkPair(userId: string, friendId: string): void {
    requireId('user_id', userId);
    requireId('friend_id', friendId);
    if (userId === friendId) throw new InvalidArgument('friend_id must differ from user_id');
  }
}
