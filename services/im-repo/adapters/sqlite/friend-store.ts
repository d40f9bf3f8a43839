import type { FriendRequest, User } from '../../../../proto/gen/gochat/common/v1/common';
import type { FriendRequestOutcome, FriendStore } from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { userFromRow } from './user-store';

export class SqliteFriendStore implements FriendStore {
  private readonly insertPair;
  private readonly deletePair;
  private readonly friendsOf;
  private readonly isFriend;
  private readonly requestTx;
  private readonly answerTx;
  private readonly requestsTo;
  private readonly requestsFrom;

  constructor(db: SqliteDatabase) {
    const insert = db.prepare('INSERT OR IGNORE INTO friends (user_id, friend_id, since_ms) VALUES (?, ?, ?)');
    const remove = db.prepare('DELETE FROM friends WHERE user_id = ? AND friend_id = ?');
    this.insertPair = db.transaction((a: string, b: string, sinceMs: number): boolean => {
      const forward = insert.run(a, b, sinceMs).changes;
      const backward = insert.run(b, a, sinceMs).changes;
      return forward + backward > 0;
    });
    this.deletePair = db.transaction((a: string, b: string): boolean => {
      return remove.run(a, b).changes + remove.run(b, a).changes > 0;
    });
    this.isFriend = db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM friends WHERE user_id = ? AND friend_id = ?',
    );
    const pending = db.prepare<[string, string], { requested_at_ms: number }>(
      'SELECT requested_at_ms FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?',
    );
    const insertRequest = db.prepare(
      'INSERT INTO friend_requests (from_user_id, to_user_id, requested_at_ms) VALUES (?, ?, ?)',
    );
    const deleteRequest = db.prepare('DELETE FROM friend_requests WHERE from_user_id = ? AND to_user_id = ?');
    const befriend = (a: string, b: string, sinceMs: number): void => {
      insert.run(a, b, sinceMs);
      insert.run(b, a, sinceMs);
      // Whatever either had asked the other is answered by the friendship.
      deleteRequest.run(a, b);
      deleteRequest.run(b, a);
    };
    this.requestTx = db.transaction(
      (from: string, to: string, nowMs: number): { outcome: FriendRequestOutcome; atMs: number } => {
        const since = this.isFriend.get(from, to);
        if (since !== undefined) return { outcome: 'already_friends', atMs: nowMs };
        if (pending.get(to, from) !== undefined) {
          befriend(from, to, nowMs);
          return { outcome: 'accepted', atMs: nowMs };
        }
        const existing = pending.get(from, to);
        if (existing !== undefined) return { outcome: 'pending', atMs: existing.requested_at_ms };
        insertRequest.run(from, to, nowMs);
        return { outcome: 'pending', atMs: nowMs };
      },
    );
    this.answerTx = db.transaction((to: string, from: string, accept: boolean, nowMs: number): { found: boolean } => {
      if (deleteRequest.run(from, to).changes === 0) return { found: false };
      if (accept) befriend(from, to, nowMs);
      return { found: true };
    });
    const requestColumns = `r.requested_at_ms,
       f.user_id AS f_id, f.username AS f_name, f.display_name AS f_display, f.created_at_ms AS f_created,
       t.user_id AS t_id, t.username AS t_name, t.display_name AS t_display, t.created_at_ms AS t_created
       FROM friend_requests r JOIN users f ON f.user_id = r.from_user_id JOIN users t ON t.user_id = r.to_user_id`;
    this.requestsTo = db.prepare<[string], RequestRow>(
      `SELECT ${requestColumns} WHERE r.to_user_id = ? ORDER BY r.requested_at_ms, r.from_user_id`,
    );
    this.requestsFrom = db.prepare<[string], RequestRow>(
      `SELECT ${requestColumns} WHERE r.from_user_id = ? ORDER BY r.requested_at_ms, r.to_user_id`,
    );
    this.friendsOf = db.prepare<
      [string],
      { user_id: string; username: string; display_name: string; created_at_ms: number; since_ms: number }
    >(
      `SELECT u.user_id, u.username, u.display_name, u.created_at_ms, f.since_ms
       FROM friends f JOIN users u ON u.user_id = f.friend_id
       WHERE f.user_id = ? ORDER BY f.since_ms, u.user_id`,
    );
  }

  add(userId: string, friendId: string, sinceMs: number): boolean {
    return this.insertPair.immediate(userId, friendId, sinceMs);
  }

  remove(userId: string, friendId: string): boolean {
    return this.deletePair.immediate(userId, friendId);
  }

  areFriends(pairs: ReadonlyArray<{ userId: string; friendId: string }>): boolean[] {
    return pairs.map((p) => this.isFriend.get(p.userId, p.friendId) !== undefined);
  }

  request(fromUserId: string, toUserId: string, nowMs: number): { outcome: FriendRequestOutcome; atMs: number } {
    return this.requestTx.immediate(fromUserId, toUserId, nowMs);
  }

  answer(toUserId: string, fromUserId: string, accept: boolean, nowMs: number): { found: boolean } {
    return this.answerTx.immediate(toUserId, fromUserId, accept, nowMs);
  }

  requests(userId: string): { incoming: FriendRequest[]; outgoing: FriendRequest[] } {
    return {
      incoming: this.requestsTo.all(userId).map(requestOf),
      outgoing: this.requestsFrom.all(userId).map(requestOf),
    };
  }

  list(userId: string): { user: User; sinceMs: number }[] {
    return this.friendsOf.all(userId).map((row) => ({ user: userFromRow(row), sinceMs: row.since_ms }));
  }
}

interface RequestRow {
  requested_at_ms: number;
  f_id: string;
  f_name: string;
  f_display: string;
  f_created: number;
  t_id: string;
  t_name: string;
  t_display: string;
  t_created: number;
}

function requestOf(r: RequestRow): FriendRequest {
  return {
    fromUser: { userId: r.f_id, username: r.f_name, displayName: r.f_display, createdAtMs: r.f_created },
    toUser: { userId: r.t_id, username: r.t_name, displayName: r.t_display, createdAtMs: r.t_created },
    requestedAtMs: r.requested_at_ms,
  };
}
