import type { User } from '../../../../proto/gen/gochat/common/v1/common';
import type { FriendStore } from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { userFromRow } from './user-store';

export class SqliteFriendStore implements FriendStore {
  private readonly insertPair;
  private readonly deletePair;
  private readonly friendsOf;
  private readonly isFriend;

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

  list(userId: string): { user: User; sinceMs: number }[] {
    return this.friendsOf.all(userId).map((row) => ({ user: userFromRow(row), sinceMs: row.since_ms }));
  }
}
