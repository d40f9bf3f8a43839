// Who may write to and read from a conversation. p2p: the two participants, and writing also needs friendship.
// group: the members; a member reads from the seq at which they joined.
import type { GroupMember } from '../../../proto/gen/gochat/common/v1/common';
import { p2pPeerOf, type ConversationRef } from './conversation';
import { Forbidden, NotFound, type DomainError } from './errors';
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

  /**
   * forSending for many sends at once (a batch): one friendship lookup for all p2p sends, one member list per
   * group. Each send gets its audience or the rejection it would get alone; infrastructure failures throw.
   */
  async forSendingMany(
    sends: ReadonlyArray<{ ref: ConversationRef; userId: string }>,
  ): Promise<Array<Audience | DomainError>> {
    const out: Array<Audience | DomainError | undefined> = sends.map(() => undefined);
    const pairs: Array<{ at: number; userId: string; friendId: string }> = [];
    const groups = new Map<string, Promise<GroupMember[] | undefined>>();
    sends.forEach(({ ref, userId }, at) => {
      if (ref.type === 'p2p') {
        const peer = p2pPeerOf(ref, userId);
        if (peer === undefined) out[at] = new Forbidden('NOT_A_MEMBER', `you are not part of ${ref.conversationId}`);
        else pairs.push({ at, userId, friendId: peer });
      } else if (!groups.has(ref.groupId)) {
        groups.set(ref.groupId, this.membersOrMissing(ref.groupId));
      }
    });
    const [friendships] = await Promise.all([this.friends.areFriends(pairs), ...groups.values()]);
    pairs.forEach(({ at, userId, friendId }, i) => {
      out[at] = friendships[i]
        ? { memberIds: [userId, friendId], visibleFromSeq: 1 }
        : new Forbidden('NOT_FRIENDS', `you and ${friendId} are not friends`);
    });
    for (const [at, { ref, userId }] of sends.entries()) {
      if (ref.type !== 'group') continue;
      const members = await groups.get(ref.groupId);
      out[at] =
        members === undefined
          ? new NotFound(`group ${ref.groupId} does not exist`)
          : audienceOf(members, ref.groupId, userId);
    }
    return out.map((a) => a ?? new Forbidden('NOT_A_MEMBER', 'no audience'));
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
    const members = await this.membersOrMissing(groupId);
    if (members === undefined) throw new NotFound(`group ${groupId} does not exist`);
    const audience = audienceOf(members, groupId, userId);
    if (audience instanceof Error) throw audience;
    return audience;
  }

  /** The group's members, or undefined when there is no such group. */
  private async membersOrMissing(groupId: string): Promise<GroupMember[] | undefined> {
    const members = await this.groups.getMembers(groupId);
    // A group keeps at least its owner, so no members usually means no group: tell the two cases apart.
    if (members.length === 0 && (await this.groups.getGroup(groupId)) === undefined) return undefined;
    return members;
  }
}

function audienceOf(members: readonly GroupMember[], groupId: string, userId: string): Audience | DomainError {
  const me = members.find((m) => m.userId === userId);
  if (me === undefined) return new Forbidden('NOT_A_MEMBER', `you are not a member of group ${groupId}`);
  return { memberIds: members.map((m) => m.userId), visibleFromSeq: Math.max(1, me.joinedSeq) };
}
