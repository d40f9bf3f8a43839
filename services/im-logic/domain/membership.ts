// Who may write to and read from a conversation. p2p: the two participants, and writing also needs friendship
// (checked by the store as it stores the message).
// group: the members; a member reads from the seq at which they joined.
import type { GroupMember } from '../../../proto/gen/gochat/common/v1/common';
import { p2pPeerOf, type ConversationRef } from './conversation';
import { Forbidden, NotFound, type DomainError } from './errors';
import type { GroupDirectory, UserDirectory } from './ports';

export interface Audience {
  /** Every participant, the actor included. */
  memberIds: string[];
  /** First seq the actor may read (1 for p2p). */
  visibleFromSeq: number;
}

export class ConversationAccess {
  constructor(
    private readonly groups: GroupDirectory,
    private readonly users: Pick<UserDirectory, 'getUsers'>,
  ) {}

  /**
   * Who a send goes to, as far as it is known before storing: a p2p send's two participants, or its refusal when
   * the sender is not one of them; undefined for a group send. The rest is checked by the store in the transaction
   * that stores the message (MessageStore.saveMessages), so a send costs no lookup here: a p2p send's friendship
   * (`notFriends` words its refusal) and a group send's membership (`groupRefusal`; the members come back with the
   * stored message).
   */
  forSending(ref: ConversationRef, userId: string): Audience | DomainError | undefined {
    if (ref.type === 'group') return undefined;
    const peer = p2pPeerOf(ref, userId);
    if (peer === undefined) return new Forbidden('NOT_A_MEMBER', `you are not part of ${ref.conversationId}`);
    return { memberIds: [userId, peer], visibleFromSeq: 1 };
  }

  /**
   * The refusal of p2p sends the store refused because sender and peer are not friends, per peer: NOT_FOUND when
   * the peer is no user at all (nobody is friends with them), else NOT_FRIENDS. Asked only about refused sends, so
   * the common path costs no lookup.
   */
  async notFriends(peerIds: readonly string[]): Promise<Map<string, DomainError>> {
    const missing = await this.unknownUsers([...peerIds]);
    return new Map(
      peerIds.map((peer): [string, DomainError] => [
        peer,
        missing.has(peer)
          ? new NotFound(`user ${peer} does not exist`)
          : new Forbidden('NOT_FRIENDS', `you and ${peer} are not friends`),
      ]),
    );
  }

  /** Which of the ids name no user. */
  private async unknownUsers(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const unique = [...new Set(ids)];
    const found = new Set((await this.users.getUsers(unique)).map((u) => u.userId));
    return new Set(unique.filter((id) => !found.has(id)));
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
    if (members === undefined) throw groupRefusal(groupId, { noSuchGroup: true });
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
  if (me === undefined) return groupRefusal(groupId, { noSuchGroup: false });
  return { memberIds: members.map((m) => m.userId), visibleFromSeq: Math.max(1, me.joinedSeq) };
}

/** Why a group send is refused: the group does not exist (NOT_FOUND), or the sender is not a member of it. */
export function groupRefusal(groupId: string, { noSuchGroup }: { noSuchGroup: boolean }): DomainError {
  return noSuchGroup
    ? new NotFound(`group ${groupId} does not exist`)
    : new Forbidden('NOT_A_MEMBER', `you are not a member of group ${groupId}`);
}
