// Groups: creation, adding members (owner/admin only), listings.
import { GroupRole, type Group, type GroupMember, type User } from '../../../proto/gen/gochat/common/v1/common';
import { Forbidden, InvalidField, NotFound } from './errors';
import type { EventOrigin, FriendGraph, GroupDirectory, LogicEventPublisher, UserDirectory } from './ports';
import { requireId } from './social';
import {
  GROUP_INITIAL_MEMBERS_MAX as MAX_INITIAL_MEMBERS,
  GROUP_NAME_MAX_LENGTH as MAX_GROUP_NAME_LENGTH,
} from '../../../lib/limits';

export class Groups {
  constructor(
    private readonly users: UserDirectory,
    private readonly groups: GroupDirectory,
    private readonly events: LogicEventPublisher,
    private readonly friends: Pick<FriendGraph, 'areFriends'>,
  ) {}

  /** Nobody is put into a group by a stranger: whoever adds a user must be their friend (they consented to it). */
  private async requireFriendsOf(operatorId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const friends = await this.friends.areFriends(userIds.map((friendId) => ({ userId: operatorId, friendId })));
    const strangers = userIds.filter((_, i) => !friends[i]);
    if (strangers.length > 0) {
      throw new Forbidden(
        'NOT_FRIENDS',
        `you may add only your friends to a group; not friends: ${strangers.join(', ')}`,
      );
    }
  }

  async create(
    req: { operatorId: string; name: string; memberIds: string[] },
    origin: EventOrigin,
  ): Promise<{ group: Group; members: GroupMember[] }> {
    requireId('operator_id', req.operatorId);
    const name = req.name.trim();
    if (name === '') throw new InvalidField('name', 'is required');
    if (name.length > MAX_GROUP_NAME_LENGTH)
      throw new InvalidField('name', `must be at most ${MAX_GROUP_NAME_LENGTH} characters`);
    const memberIds = [...new Set(req.memberIds)].filter((id) => id !== req.operatorId);
    if (memberIds.length > MAX_INITIAL_MEMBERS) {
      throw new InvalidField('member_ids', `must list at most ${MAX_INITIAL_MEMBERS} users`);
    }
    memberIds.forEach((id) => requireId('member_ids', id));
    await this.requireUsers([req.operatorId, ...memberIds]);
    await this.requireFriendsOf(req.operatorId, memberIds);
    const created = await this.groups.createGroup({ name, ownerId: req.operatorId, memberIds });
    // Initial members learn about the group the same way later joiners do.
    for (const member of created.members) {
      if (member.userId === req.operatorId) continue;
      await this.events.groupMemberJoined(
        {
          groupId: created.group.groupId,
          userId: member.userId,
          role: member.role,
          operatorId: req.operatorId,
          joinedSeq: member.joinedSeq,
          memberCount: created.members.length,
        },
        origin,
      );
    }
    return created;
  }

  async addMember(
    req: { operatorId: string; groupId: string; userId: string; role: GroupRole },
    origin: EventOrigin,
  ): Promise<{ member: GroupMember; alreadyMember: boolean; memberCount: number }> {
    requireId('operator_id', req.operatorId);
    requireId('group_id', req.groupId);
    requireId('user_id', req.userId);
    const role = req.role === GroupRole.GROUP_ROLE_UNSPECIFIED ? GroupRole.GROUP_ROLE_MEMBER : req.role;
    if (role !== GroupRole.GROUP_ROLE_MEMBER && role !== GroupRole.GROUP_ROLE_ADMIN) {
      throw new InvalidField('role', 'must be MEMBER or ADMIN (a group has exactly one owner)');
    }
    if ((await this.groups.getGroup(req.groupId)) === undefined) {
      throw new NotFound(`group ${req.groupId} does not exist`);
    }
    const members = await this.groups.getMembers(req.groupId);
    const operatorRole = members.find((m) => m.userId === req.operatorId)?.role;
    if (operatorRole !== GroupRole.GROUP_ROLE_OWNER && operatorRole !== GroupRole.GROUP_ROLE_ADMIN) {
      throw new Forbidden('NOT_AN_ADMIN', `only the owner or an admin of group ${req.groupId} may add members`);
    }
    if (role === GroupRole.GROUP_ROLE_ADMIN && operatorRole !== GroupRole.GROUP_ROLE_OWNER) {
      throw new Forbidden('NOT_AN_ADMIN', 'only the owner may add an admin');
    }
    await this.requireUsers([req.userId]);
    if (req.userId !== req.operatorId) await this.requireFriendsOf(req.operatorId, [req.userId]);
    const added = await this.groups.addMember(req.groupId, req.userId, role);
    if (!added.alreadyMember) {
      await this.events.groupMemberJoined(
        {
          groupId: req.groupId,
          userId: req.userId,
          role: added.member.role,
          operatorId: req.operatorId,
          joinedSeq: added.member.joinedSeq,
          memberCount: added.memberCount,
        },
        origin,
      );
    }
    return added;
  }

  async listMembers(operatorId: string, groupId: string): Promise<{ members: GroupMember[]; users: User[] }> {
    requireId('operator_id', operatorId);
    requireId('group_id', groupId);
    const members = await this.groups.getMembers(groupId);
    if (!members.some((m) => m.userId === operatorId)) {
      if ((await this.groups.getGroup(groupId)) === undefined) throw new NotFound(`group ${groupId} does not exist`);
      throw new Forbidden('NOT_A_MEMBER', `you are not a member of group ${groupId}`);
    }
    const users = await this.users.getUsers(members.map((m) => m.userId));
    return { members, users };
  }

  async userGroups(userId: string): Promise<Group[]> {
    requireId('user_id', userId);
    return this.groups.getUserGroups(userId);
  }

  private async requireUsers(ids: string[]): Promise<void> {
    const found = new Set((await this.users.getUsers(ids)).map((u) => u.userId));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFound(`user ${missing.join(', ')} does not exist`);
  }
}
