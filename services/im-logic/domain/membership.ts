// Who may write to and read from a conversation. p2p: the two participants, and writing also needs friendship.
// group: the members; a member reads from the seq at which they joined.
import type { GroupMember } from '../../../proto/gen/gochat/common/v1/common';
import { p2pPeerOf, type ConversationRef } from './conversation';
import { Forbidden, NotFound } from './errors';
import type { FriendGraph, GroupDirectory } from './ports';

export interface Audience {
  /** Every participant, the actor included. */
  memberIds: string[];
  /** First seq the actor may read (1 for p2p). */
  visibleFromSeq: number;
}

export class ConversationAccess {
  constructor(
    private readonly friends: FriendGraph,
    private readonly groups: GroupDirectory,
  ) {}

  /** The participants when userId may send to the conversation; throws Forbidden / NotFound otherwise. */
  async forSending(ref: ConversationRef, userId: string): Promise<Audience> {
    if (ref.type === 'p2p') {
      const peer = this.requireP2pParticipant(ref, userId);
      const friends = await this.friends.listFriends(userId);
      if (!friends.some((f) => f.user?.userId === peer)) {
        throw new Forbidden('NOT_FRIENDS', `you and ${peer} are not friends`);
      }
      return { memberIds: [userId, peer], visibleFromSeq: 1 };
    }
    return this.groupAudience(ref.groupId, userId);
  }

  /** The participants when userId may read the conversation (no friendship needed to read old messages). */
  async forReading(ref: ConversationRef, userId: string): Promise<Audience> {
    if (ref.type === 'p2p') {
      const peer = this.requireP2pParticipant(ref, userId);
      return { memberIds: [userId, peer], visibleFromSeq: 1 };
    }
    return this.groupAudience(ref.groupId, userId);
  }

  private requireP2pParticipant(ref: Extract<ConversationRef, { type: 'p2p' }>, userId: string): string {
    const peer = p2pPeerOf(ref, userId);
    if (peer === undefined) throw new Forbidden('NOT_A_MEMBER', `you are not part of ${ref.conversationId}`);
    return peer;
  }

  private async groupAudience(groupId: string, userId: string): Promise<Audience> {
    const members = await this.groups.getMembers(groupId);
    if (members.length === 0) {
      // A group keeps at least its owner, so no members usually means no group: tell the two cases apart.
      if ((await this.groups.getGroup(groupId)) === undefined) throw new NotFound(`group ${groupId} does not exist`);
    }
    const me = findMember(members, userId);
    if (me === undefined) throw new Forbidden('NOT_A_MEMBER', `you are not a member of group ${groupId}`);
    return { memberIds: members.map((m) => m.userId), visibleFromSeq: Math.max(1, me.joinedSeq) };
  }
}

function findMember(members: readonly GroupMember[], userId: string): GroupMember | undefined {
  return members.find((m) => m.userId === userId);
}
