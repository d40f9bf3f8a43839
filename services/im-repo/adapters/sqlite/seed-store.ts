// Bulk seeding in one SQLite transaction: with one commit (one fsync) for the whole batch instead of one per row,
// thousands of users, friendships and group members take well under a second.
import { GroupRole, type Group, type User } from '../../../../proto/gen/gochat/common/v1/common';
import type { SeedBatch, SeedStore } from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { userFromRow } from './user-store';

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  created_at_ms: number;
}

export class SqliteSeedStore implements SeedStore {
  private readonly run;

  constructor(db: SqliteDatabase) {
    const insertUser = db.prepare(
      `INSERT INTO users (user_id, username, display_name, password_hash, created_at_ms)
       VALUES (@userId, @username, @displayName, @passwordHash, @createdAtMs)
       ON CONFLICT (username) DO NOTHING`,
    );
    const byUsername = db.prepare<[string], UserRow>(
      'SELECT user_id, username, display_name, created_at_ms FROM users WHERE username = ?',
    );
    const insertFriend = db.prepare('INSERT OR IGNORE INTO friends (user_id, friend_id, since_ms) VALUES (?, ?, ?)');
    const insertGroup = db.prepare('INSERT INTO groups (group_id, name, owner_id, created_at_ms) VALUES (?, ?, ?, ?)');
    // A new group has no messages yet, so every member may read from seq 1.
    const insertMember = db.prepare(
      'INSERT INTO group_members (group_id, user_id, role, joined_at_ms, joined_seq) VALUES (?, ?, ?, ?, 1)',
    );
    this.run = db.transaction((batch: SeedBatch) => {
      const created: boolean[] = [];
      const users: User[] = batch.users.map((user) => {
        created.push(insertUser.run(user).changes > 0);
        return userFromRow(byUsername.get(user.username) as UserRow);
      });
      const id = (index: number): string => (users[index] as User).userId;
      for (const { a, b } of batch.friendships) {
        insertFriend.run(id(a), id(b), batch.nowMs);
        insertFriend.run(id(b), id(a), batch.nowMs);
      }
      const groups: Group[] = batch.groups.map((group) => {
        insertGroup.run(group.groupId, group.name, id(group.owner), batch.nowMs);
        insertMember.run(group.groupId, id(group.owner), GroupRole.GROUP_ROLE_OWNER, batch.nowMs);
        const memberIds = new Set(group.members.map(id));
        memberIds.delete(id(group.owner));
        for (const member of memberIds)
          insertMember.run(group.groupId, member, GroupRole.GROUP_ROLE_MEMBER, batch.nowMs);
        return {
          groupId: group.groupId,
          name: group.name,
          ownerId: id(group.owner),
          createdAtMs: batch.nowMs,
          memberCount: memberIds.size + 1,
        };
      });
      return { users, created, groups };
    });
  }

  seed(batch: SeedBatch): { users: User[]; created: boolean[]; groups: Group[] } {
    return this.run.immediate(batch);
  }
}
