// Groups and their members. A member's history starts at the join: joined_seq is the first seq of the group
// conversation they may read (the group's max seq at join time + 1).
import { randomBytes } from 'node:crypto';
import { GroupRole, type Group, type GroupMember } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument, NotFound } from '../../../lib/errors';
import { GROUP_NAME_MAX_LENGTH } from '../../../lib/limits';
import type { GroupStore } from './ports';
import type { UserDirectory } from './users';
import { requireId, requireIds, requireText, type Clock } from './validation';

export const MAX_GROUP_MEMBERS = 1000;

export function newGroupId(): string {
  return `g_${randomBytes(8).toString('hex')}`;
}

function memberRole(role: GroupRole): GroupRole {
  switch (role) {
    case GroupRole.GROUP_ROLE_UNSPECIFIED:
      return GroupRole.GROUP_ROLE_MEMBER;
    case GroupRole.GROUP_ROLE_MEMBER:
    case GroupRole.GROUP_ROLE_ADMIN:
    case GroupRole.GROUP_ROLE_OWNER:
      return role;
    default:
      throw new InvalidArgument(`role ${String(role)} is not a known group role`);
  }
}

export class GroupRoster {
  constructor(
    private readonly groups: GroupStore,
    private readonly directory: UserDirectory,
    private readonly clock: Clock,
  ) {}

  create(input: { name: string; ownerId: string; memberIds: string[]; groupId: string }): {
    group: Group;
    members: GroupMember[];
  } {
    const name = requireText('name', input.name.trim(), GROUP_NAME_MAX_LENGTH);
    requireId('owner_id', input.ownerId);
    const memberIds = requireIds('member_ids', input.memberIds, MAX_GROUP_MEMBERS).filter((id) => id !== input.ownerId);
    const groupId = input.groupId === '' ? newGroupId() : requireId('group_id', input.groupId);
    this.directory.requireExisting('owner_id', [input.ownerId]);
    this.directory.requireExisting('member_ids', memberIds);
    return this.groups.create({
      groupId,
      name,
      ownerId: input.ownerId,
      createdAtMs: this.clock.now(),
      members: [
        { userId: input.ownerId, role: GroupRole.GROUP_ROLE_OWNER },
        ...memberIds.map((userId) => ({ userId, role: GroupRole.GROUP_ROLE_MEMBER })),
      ],
    });
  }

  get(groupId: string): Group {
    requireId('group_id', groupId);
    const group = this.groups.get(groupId);
    if (!group) throw new NotFound(`no group "${groupId}"`, { code: 'GROUP_NOT_FOUND' });
    return group;
  }

  addMember(
    groupId: string,
    userId: string,
    role: GroupRole,
  ): { member: GroupMember; alreadyMember: boolean; memberCount: number } {
    requireId('group_id', groupId);
    requireId('user_id', userId);
    const checkedRole = memberRole(role);
    this.directory.requireExisting('user_id', [userId]);
    return this.groups.addMember(groupId, userId, checkedRole, this.clock.now());
  }

  removeMember(groupId: string, userId: string): { removed: boolean; memberCount: number } {
    requireId('group_id', groupId);
    requireId('user_id', userId);
    return this.groups.removeMember(groupId, userId);
  }

  members(groupId: string): GroupMember[] {
    this.get(groupId);
    return this.groups.members(groupId);
  }

  groupsOf(userId: string): Group[] {
    requireId('user_id', userId);
    this.directory.requireExisting('user_id', [userId]);
    return this.groups.groupsOf(userId);
  }
}
