import type { User } from '../../../../proto/gen/gochat/common/v1/common';
import { AlreadyExists } from '../../../../lib/errors';
import type { NewUser, UserStore } from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { isUniqueViolation } from './sqlite-errors';

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  created_at_ms: number;
  password_hash: string;
}

export function userFromRow(row: Pick<UserRow, 'user_id' | 'username' | 'display_name' | 'created_at_ms'>): User {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    createdAtMs: row.created_at_ms,
  };
}

export class SqliteUserStore implements UserStore {
  private readonly insert;
  private readonly byUsername;
  private readonly byId;
  private readonly page;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO users (user_id, username, display_name, password_hash, created_at_ms)
       VALUES (@userId, @username, @displayName, @passwordHash, @createdAtMs)`,
    );
    this.byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE user_id = ?');
    this.page = db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE user_id > ? ORDER BY user_id LIMIT ?');
  }

  create(user: NewUser): User {
    try {
      this.insert.run(user);
    } catch (err) {
      if (isUniqueViolation(err, 'users.username')) {
        throw new AlreadyExists(`username "${user.username}" is taken`, { code: 'USERNAME_TAKEN', cause: err });
      }
      if (isUniqueViolation(err, 'users.user_id')) {
        throw new AlreadyExists(`user id "${user.userId}" is taken`, { code: 'USER_ID_TAKEN', cause: err });
      }
      throw err;
    }
    return userFromRow({
      user_id: user.userId,
      username: user.username,
      display_name: user.displayName,
      created_at_ms: user.createdAtMs,
    });
  }

  findCredential(username: string): { user: User; passwordHash: string } | undefined {
    const row = this.byUsername.get(username);
    return row ? { user: userFromRow(row), passwordHash: row.password_hash } : undefined;
  }

  getMany(userIds: readonly string[]): User[] {
    const users: User[] = [];
    for (const id of new Set(userIds)) {
      const row = this.byId.get(id);
      if (row) users.push(userFromRow(row));
    }
    return users;
  }

  missing(userIds: readonly string[]): string[] {
    return [...new Set(userIds)].filter((id) => this.byId.get(id) === undefined);
  }

  list(limit: number, afterUserId: string): User[] {
    return this.page.all(afterUserId, limit).map(userFromRow);
  }
}
