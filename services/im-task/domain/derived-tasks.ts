// What im-task does with each domain event: derive a signal and push it to the users it concerns, or index a
// stored message. Every signal carries the causing event's meta (cause) so a client or the console can link it
// to what happened.
import {
  ConversationType,
  GroupRole,
  PresenceStatus,
  type ChatMessage,
  type EventMeta,
  type SystemSignalMessage,
} from '../../../proto/gen/gochat/common/v1/common';
import type {
  FriendRequestAccepted,
  FriendRequested,
  GroupMemberJoined,
  GroupMemberLeft,
  MessageRead,
  UserOffline,
  UserOnline,
} from '../../../proto/gen/gochat/events/v1/events';
import { parseConversationId } from '../../../lib/conversation';
import type { Clock, MessageArchive, SocialGraph } from './ports';
import type { RoutedPush, SignalRouter } from './signal-router';

/** Every signal type a client can receive (docs/protocol.md lists each; proto/protocol-doc.test.ts checks). */
export const SIGNAL_TYPES = {
  friendStatusChanged: 'friend.status.changed',
  messageReceiptUpdated: 'message.receipt.updated',
  groupMemberChanged: 'group.member.changed',
  friendRequestReceived: 'friend.request.received',
  friendRequestAccepted: 'friend.request.accepted',
} as const;

/** How many read messages are scanned for their senders at most (a reader jumping far ahead is rare). */
export const RECEIPT_SCAN_LIMIT = 5000;
const RECEIPT_PAGE = 500;

export class DerivedTasks {
  constructor(
    private readonly social: SocialGraph,
    private readonly archive: MessageArchive,
    private readonly router: SignalRouter,
    private readonly clock: Clock,
  ) {}

  /** user.online / user.offline -> friend.status.changed to every online friend. */
  async presenceChanged(
    change: { online: true; event: UserOnline } | { online: false; event: UserOffline },
  ): Promise<RoutedPush> {
    const { online, event } = change;
    const signal = signalOf(SIGNAL_TYPES.friendStatusChanged, event.meta, {
      $case: 'friendStatusChanged',
      value: {
        userId: event.userId,
        status: online ? PresenceStatus.PRESENCE_STATUS_ONLINE : PresenceStatus.PRESENCE_STATUS_OFFLINE,
        changedAtMs: (change.online ? change.event.onlineAtMs : change.event.offlineAtMs) || this.clock.nowMs(),
      },
    });
    const friends = await this.social.friendIdsOf(event.userId);
    return this.router.pushToUsers(friends, signal);
  }

  /**
   * message.read -> message.receipt.updated to the sender side: the peer of a p2p conversation; in a group, the
   * senders of the messages the reader just read (previous_read_seq, read_seq], since only they wait for it.
   */
  async messageRead(event: MessageRead): Promise<RoutedPush | undefined> {
    const parsed = parseConversationId(event.conversationId);
    if (parsed === undefined || event.readerId === '') return undefined;
    let recipients: string[];
    if (parsed.type === ConversationType.CONVERSATION_TYPE_P2P) {
      recipients = parsed.userIds.filter((id) => id !== event.readerId);
      if (recipients.length !== 1) return undefined;
    } else {
      recipients = await this.sendersOfReadRange(event);
    }
    const signal = signalOf(SIGNAL_TYPES.messageReceiptUpdated, event.meta, {
      $case: 'messageReceiptUpdated',
      value: {
        conversationId: event.conversationId,
        readerId: event.readerId,
        readSeq: event.readSeq,
        readAtMs: event.readAtMs || this.clock.nowMs(),
      },
    });
    return this.router.pushToUsers(recipients, signal);
  }

  /** group.member.joined / left -> group.member.changed to every member (and to whoever left). */
  async groupMemberChanged(
    change: { joined: true; event: GroupMemberJoined } | { joined: false; event: GroupMemberLeft },
  ): Promise<RoutedPush> {
    const { event } = change;
    const members = await this.social.groupMemberIds(event.groupId);
    const signal = signalOf(SIGNAL_TYPES.groupMemberChanged, event.meta, {
      $case: 'groupMemberChanged',
      value: {
        groupId: event.groupId,
        change: change.joined ? 'joined' : 'left',
        userId: event.userId,
        role: change.joined ? change.event.role : GroupRole.GROUP_ROLE_UNSPECIFIED,
        operatorId: event.operatorId,
        // The list just read is fresher than the count in the event when several changes raced.
        memberCount: members.length > 0 ? members.length : event.memberCount,
        changedAtMs: event.meta?.occurredAtMs || this.clock.nowMs(),
      },
    });
    return this.router.pushToUsers([...members, event.userId], signal);
  }

  /**
   * friend.requested -> friend.request.received to the user asked; friend.request.accepted -> the same signal type
   * back to the requester. Both carry who asked whom, so either side can update its pending list.
   */
  async friendRequestChanged(
    change: { accepted: false; event: FriendRequested } | { accepted: true; event: FriendRequestAccepted },
  ): Promise<RoutedPush> {
    const { event } = change;
    const signal = signalOf(
      change.accepted ? SIGNAL_TYPES.friendRequestAccepted : SIGNAL_TYPES.friendRequestReceived,
      event.meta,
      {
        $case: 'friendRequestChanged',
        value: {
          fromUserId: event.fromUserId,
          toUserId: event.toUserId,
          status: change.accepted ? 'accepted' : 'pending',
          changedAtMs: (change.accepted ? change.event.acceptedAtMs : change.event.requestedAtMs) || this.clock.nowMs(),
        },
      },
    );
    return this.router.pushToUsers([change.accepted ? event.fromUserId : event.toUserId], signal);
  }

  /** message.persist records -> each message enters its members' conversation indexes (idempotent in im-repo). */
  async indexStoredMessages(entries: ReadonlyArray<{ message: ChatMessage; memberIds: string[] }>): Promise<number> {
    return entries.length === 0 ? 0 : this.archive.indexMessages(entries);
  }

  private async sendersOfReadRange(event: MessageRead): Promise<string[]> {
    const senders = new Set<string>();
    let from = event.previousReadSeq + 1;
    while (from <= event.readSeq && from - event.previousReadSeq <= RECEIPT_SCAN_LIMIT) {
      const page = await this.archive.pullMessages(event.conversationId, from, event.readSeq, RECEIPT_PAGE);
      for (const m of page) if (m.senderId !== event.readerId) senders.add(m.senderId);
      const last = page[page.length - 1];
      if (last === undefined) break;
      from = last.seq + 1;
    }
    return [...senders];
  }
}

function signalOf(
  signalType: string,
  cause: EventMeta | undefined,
  payload: SystemSignalMessage['payload'],
): SystemSignalMessage {
  return { signalType, cause, payload };
}
