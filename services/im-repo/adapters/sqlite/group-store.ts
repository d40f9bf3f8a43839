import type { Group, GroupMember, GroupRole } from '../../../../proto/gen/gochat/common/v1/common';
import { AlreadyExists, NotFound } from '../../../../lib/errors';
import { groupConversationId } from '../../../../lib/conversation';
import type { GroupStore, NewGroup } from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { isUniqueViolation } from './sqlite-errors';

interface GroupRow {
  group_id: string;
  name: string;
  owner_id: string;
  created_at_ms: number;
  member_count: number;
}
interface MemberRow {
  group_id: string;
  user_id: string;
  role: number;
  joined_at_ms: number;
  joined_seq: number;
}

function groupFromRow(row: GroupRow): Group {
  return {
    groupId: row.group_id,
    name: row.name,
    ownerId: row.owner_id,
    createdAtMs: row.created_at_ms,
    memberCount: row.member_count,
  };
}

function memberFromRow(row: MemberRow): GroupMember {
  return {
    groupId: row.group_id,
    userId: row.user_id,
    role: row.role as GroupRole,
    joinedAtMs: row.joined_at_ms,
    joinedSeq: row.joined_seq,
  };
}

const GROUP_COLUMNS = `g.group_id, g.name, g.owner_id, g.created_at_ms,
  (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.group_id) AS member_count`;

export class SqliteGroupStore implements GroupStore {
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      insertGroup: db.prepare(
        'INSERT INTO groups (group_id, name, owner_id, created_at_ms) VALUES (@groupId, @name, @ownerId, @createdAtMs)',
      ),
      insertMember: db.prepare(
        `INSERT INTO group_members (group_id, user_id, role, joined_at_ms, joined_seq) VALUES (?, ?, ?, ?, ?)`,
      ),
      group: db.prepare<[string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.group_id = ?`),
      member: db.prepare<[string, string], MemberRow>('SELECT * FROM group_members WHERE group_id = ? AND user_id = ?'),
      members: db.prepare<[string], MemberRow>(
        'SELECT * FROM group_members WHERE group_id = ? ORDER BY joined_at_ms, user_id',
      ),
      deleteMember: db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?'),
      memberCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?'),
      groupsOf: db.prepare<[string], GroupRow>(
        `SELECT ${GROUP_COLUMNS} FROM group_members mine JOIN groups g ON g.group_id = mine.group_id
         WHERE mine.user_id = ? ORDER BY g.created_at_ms, g.group_id`,
      ),
      maxSeq: db.prepare<[string], { max_seq: number }>(
        'SELECT max_seq FROM conversation_seqs WHERE conversation_id = ?',
      ),
    };
  }

  /** The first seq a member joining now may read: everything after the group's current max. */
  private nextVisibleSeq(groupId: string): number {
    return (this.stmts.maxSeq.get(groupConversationId(groupId))?.max_seq ?? 0) + 1;
  }

  create(group: NewGroup): { group: Group; members: GroupMember[] } {
    return this.db
      .transaction(() => {
        try {
          this.stmts.insertGroup.run(group);
        } catch (err) {
          if (isUniqueViolation(err, 'groups.group_id')) {
            throw new AlreadyExists(`group id "${group.groupId}" is taken`, { code: 'GROUP_ID_TAKEN', cause: err });
          }
          throw err;
        }
        const joinedSeq = this.nextVisibleSeq(group.groupId);
        for (const member of group.members) {
          this.stmts.insertMember.run(group.groupId, member.userId, member.role, group.createdAtMs, joinedSeq);
        }
        const stored = this.stmts.group.get(group.groupId) as GroupRow;
        return { group: groupFromRow(stored), members: this.stmts.members.all(group.groupId).map(memberFromRow) };
      })
      .immediate();
  }

  get(groupId: string): Group | undefined {
    const row = this.stmts.group.get(groupId);
    return row ? groupFromRow(row) : undefined;
  }

  addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
    joinedAtMs: number,
  ): { member: GroupMember; alreadyMember: boolean; memberCount: number } {
    return this.db
      .transaction(() => {
        if (!this.stmts.group.get(groupId)) throw new NotFound(`no group "${groupId}"`, { code: 'GROUP_NOT_FOUND' });
        const existing = this.stmts.member.get(groupId, userId);
        if (!existing) {
          this.stmts.insertMember.run(groupId, userId, role, joinedAtMs, this.nextVisibleSeq(groupId));
        }
        const member = this.stmts.member.get(groupId, userId) as MemberRow;
        const memberCount = (this.stmts.memberCount.get(groupId) as { n: number }).n;
        return { member: memberFromRow(member), alreadyMember: existing !== undefined, memberCount };
      })
      .immediate();
  }

  removeMember(groupId: string, userId: string): { removed: boolean; memberCount: number } {
    return this.db
      .transaction(() => {
        if (!this.stmts.group.get(groupId)) throw new NotFound(`no group "${groupId}"`, { code: 'GROUP_NOT_FOUND' });
        const removed = this.stmts.deleteMember.run(groupId, userId).changes > 0;
        return { removed, memberCount: (this.stmts.memberCount.get(groupId) as { n: number }).n };
      })
      .immediate();
  }

  members(groupId: string): GroupMember[] {
    return this.stmts.members.all(groupId).map(memberFromRow);
  }

  groupsOf(userId: string): Group[] {
    return this.stmts.groupsOf.all(userId).map(groupFromRow);
  }
}
