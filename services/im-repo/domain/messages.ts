// The message log of every conversation: storing with seqs, pulling ranges, read pointers and each user's
// conversation list.
import { ConversationType, type ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { Conversation } from '../../../proto/gen/gochat/repo/v1/repo';
import { InvalidArgument, NotFound } from '../../../lib/errors';
import { parseConversationId, requireConversationId, type ParsedConversationId } from '../../../lib/conversation';
import {
  BODY_MAX_BYTES,
  checkBody,
  checkClientMsgId,
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
} from '../../../lib/limits';
import type { FriendStore, GroupStore, MessageStore, ReadPointerUpdate, SavedMessage, UserStore } from './ports';
import { requireId, requireIds, requireIntInRange, requireText, type Clock } from './validation';
import { messageIdAt } from './message-id';

/** The same limits as the gateway's and im-logic's (lib/limits.ts): a body is counted in UTF-8 bytes. */
export const MAX_BODY_BYTES = BODY_MAX_BYTES;
export const DEFAULT_PULL_LIMIT = HISTORY_DEFAULT_LIMIT;
export const MAX_PULL_LIMIT = HISTORY_MAX_LIMIT;
/**
 * A page also ends once its bodies reach this many bytes (it always holds at least one message), so that the
 * largest allowed page (1,000 bodies of 16 KiB) never exceeds gRPC's 4 MiB message limit on its way to the
 * client; a shorter page with more to come tells the client to go on (hasMore).
 */
export const MAX_PULL_BYTES = 1024 * 1024;
export const MAX_SEQ_ALLOCATION = 10_000;
/** Most messages in one SaveMessages / IndexMessages call (a consumer batch is at most 500 records). */
export const MAX_BATCH = 1000;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export interface SaveManyResult {
  saved: SavedMessage | undefined;
  refused: string;
  notFriends: boolean;
  notMember: boolean;
  noSuchGroup: boolean;
}

export interface SaveManyResults {
  results: SaveManyResult[];
  /** With requireGroupMembership: the members of each group a message was stored to, as they were then. */
  groupMembers: Array<{ groupId: string; userIds: string[] }>;
}

const STORED = { refused: '', notFriends: false, notMember: false, noSuchGroup: false };
const REFUSED = { saved: undefined, ...STORED };

export class ConversationLog {
  constructor(
    private readonly messages: MessageStore,
    private readonly users: UserStore,
    private readonly groups: GroupStore,
    private readonly friends: Pick<FriendStore, 'areFriends'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores many messages in one transaction, in order, each answered on its own: an invalid one is refused with
   * the reason and the others are stored. The marks of dispatchedMessageIds are written in the same commit.
   * With requireP2pFriendship, a p2p message whose sender and peer are not friends is refused (notFriends), read
   * in the same transaction as the store, so the caller needs no lookup of its own before. With
   * requireGroupMembership, likewise a group message of a group that does not exist (noSuchGroup) or from a sender
   * who is not a member (notMember); the members of each group stored to come back (groupMembers).
   */
  async saveMany(
    messages: readonly ChatMessage[],
    dispatchedMessageIds: readonly string[],
    { requireP2pFriendship = false, requireGroupMembership = false } = {},
  ): Promise<SaveManyResults> {
    requireIds('dispatched_message_ids', dispatchedMessageIds, MAX_BATCH);
    if (messages.length > MAX_BATCH) throw new InvalidArgument(`at most ${MAX_BATCH} messages per call`);
    return await this.messages.inTransaction(() => {
      const now = this.clock.now();
      for (const id of dispatchedMessageIds) this.messages.markDispatched(id, now);
      // Parsed once for both checks; an invalid conversation id is left to save() to refuse with its reason.
      const parsed = messages.map((message) => parseConversationId(message.conversationId));
      const friendly = requireP2pFriendship ? this.p2pFriendships(messages, parsed) : undefined;
      const membersOf = new Map<string, Set<string> | undefined>();
      const storedTo = new Set<string>();
      const results = messages.map((message, i): SaveManyResult => {
        if (friendly?.[i] === false) {
          return { ...REFUSED, refused: `messages[${i}]: sender and peer are not friends`, notFriends: true };
        }
        const conversation = parsed[i];
        const groupId =
          requireGroupMembership && conversation?.type === ConversationType.CONVERSATION_TYPE_GROUP
            ? conversation.groupId
            : undefined;
        if (groupId !== undefined) {
          if (!membersOf.has(groupId)) membersOf.set(groupId, this.memberIdsOf(groupId));
          const members = membersOf.get(groupId);
          if (members === undefined) {
            return { ...REFUSED, refused: `messages[${i}]: group ${groupId} does not exist`, noSuchGroup: true };
          }
          if (!members.has(message.senderId)) {
            return {
              ...REFUSED,
              refused: `messages[${i}]: the sender is not a member of group ${groupId}`,
              notMember: true,
            };
          }
        }
        try {
          const saved = this.save(message);
          if (groupId !== undefined) storedTo.add(groupId);
          return { ...STORED, saved };
        } catch (err) {
          if (!(err instanceof InvalidArgument)) throw err;
          return { ...REFUSED, refused: `messages[${i}]: ${err.message}` };
        }
      });
      const groupMembers = [...storedTo].map((groupId) => ({ groupId, userIds: [...(membersOf.get(groupId) ?? [])] }));
      return { results, groupMembers };
    });
  }

  /** The ids of a group's members, or undefined when there is no such group. */
  private memberIdsOf(groupId: string): Set<string> | undefined {
    if (this.groups.get(groupId) === undefined) return undefined;
    return new Set(this.groups.members(groupId).map((m) => m.userId));
  }

  /**
   * Per message: false for a p2p message whose sender is not friends with the peer (or not one of its two users),
   * true otherwise; an invalid conversation id is left to save() to refuse with its reason.
   */
  private p2pFriendships(
    messages: readonly ChatMessage[],
    conversations: ReadonlyArray<ParsedConversationId | undefined>,
  ): boolean[] {
    const out = messages.map(() => true);
    const pairs: Array<{ at: number; userId: string; friendId: string }> = [];
    messages.forEach((message, at) => {
      const parsed = conversations[at];
      if (parsed?.type !== ConversationType.CONVERSATION_TYPE_P2P) return;
      const [a, b] = parsed.userIds;
      if (message.senderId === a || message.senderId === b) {
        pairs.push({ at, userId: message.senderId, friendId: message.senderId === a ? b : a });
      } else out[at] = false;
    });
    const answers = this.friends.areFriends(pairs);
    pairs.forEach(({ at }, i) => (out[at] = answers[i] === true));
    return out;
  }

  /** Stores a message with the next seq of its conversation; a retry returns the original with duplicate=true. */
  save(message: ChatMessage | undefined): SavedMessage {
    if (!message) throw new InvalidArgument('message is required');
    const parsed = requireConversationId(message.conversationId, 'message.conversation_id');
    if (
      message.conversationType !== ConversationType.CONVERSATION_TYPE_UNSPECIFIED &&
      message.conversationType !== parsed.type
    ) {
      throw new InvalidArgument(
        `message.conversation_type ${message.conversationType} does not match message.conversation_id "${message.conversationId}"`,
      );
    }
    requireId('message.sender_id', message.senderId);
    checkClientMsgId(message.clientMsgId, 'message.client_msg_id');
    const contentType =
      message.contentType === '' ? 'text/plain' : requireText('message.content_type', message.contentType, 128);
    // Empty bodies are the server's own (system messages); clients' are refused before they get here.
    checkBody(message.body, 'message.body', { allowEmpty: true });
    const now = this.clock.now();
    return this.messages.save({
      messageId: messageIdAt(now),
      conversationId: message.conversationId,
      conversationType: parsed.type,
      senderId: message.senderId,
      clientMsgId: message.clientMsgId,
      contentType,
      body: message.body,
      sentAtMs: now,
    });
  }

  markDispatched(messageId: string): { marked: boolean } {
    requireText('message_id', messageId, 128);
    return { marked: this.messages.markDispatched(messageId, this.clock.now()) };
  }

  allocateSeqs(conversationId: string, count: number): { firstSeq: number; lastSeq: number } {
    requireConversationId(conversationId);
    requireIntInRange('count', count, 1, MAX_SEQ_ALLOCATION);
    return this.messages.allocateSeqs(conversationId, count);
  }

  pull(
    conversationId: string,
    fromSeq: number,
    toSeq: number,
    limit: number,
  ): { messages: ChatMessage[]; maxSeq: number } {
    requireConversationId(conversationId);
    requireIntInRange('from_seq', fromSeq, 0, MAX_SEQ);
    requireIntInRange('to_seq', toSeq, 0, MAX_SEQ);
    if (toSeq !== 0 && toSeq < fromSeq) throw new InvalidArgument(`to_seq ${toSeq} is before from_seq ${fromSeq}`);
    const size = limit === 0 ? DEFAULT_PULL_LIMIT : requireIntInRange('limit', limit, 1, MAX_PULL_LIMIT);
    const maxSeq = this.messages.maxSeq(conversationId);
    const page = this.messages.pull(conversationId, Math.max(1, fromSeq), toSeq, size);
    return { messages: boundedByBytes(page, MAX_PULL_BYTES), maxSeq };
  }

  maxSeqs(conversationIds: readonly string[]): { conversationId: string; maxSeq: number }[] {
    conversationIds.forEach((id, i) => requireConversationId(id, `conversation_ids[${i}]`));
    return [...new Set(conversationIds)].map((conversationId) => ({
      conversationId,
      maxSeq: this.messages.maxSeq(conversationId),
    }));
  }

  updateReadPointer(userId: string, conversationId: string, seq: number): ReadPointerUpdate {
    requireId('user_id', userId);
    requireConversationId(conversationId);
    requireIntInRange('seq', seq, 0, MAX_SEQ);
    return this.messages.updateReadPointer(userId, conversationId, seq, this.clock.now());
  }

  readPointers(userId: string, conversationIds: readonly string[]) {
    requireId('user_id', userId);
    conversationIds.forEach((id, i) => requireConversationId(id, `conversation_ids[${i}]`));
    return this.messages.readPointers(userId, conversationIds).map((p) => ({ userId, ...p }));
  }

  /**
   * index() for many messages in one transaction; a message that is not stored is left out of the count. A member's
   * list entry only ever moves to a newer seq, so each member is written once per conversation, at the newest seq
   * of the call that includes them, not once per message (a 20-member group's batch of 30 messages: 20 writes, not
   * 600). Those writes prove the newest messages stored; the count asks the store about the others at most once
   * per conversation (countStored). A conversation whose newest message is missing is indexed message by message,
   * as index() would.
   */
  async indexMany(entries: ReadonlyArray<{ message?: ChatMessage; memberIds: readonly string[] }>): Promise<number> {
    if (entries.length > MAX_BATCH) throw new InvalidArgument(`at most ${MAX_BATCH} messages per call`);
    const checked = entries.map((entry) => this.indexEntry(entry.message, entry.memberIds));
    const byConversation = new Map<string, { entries: typeof checked; newest: Map<string, number> }>();
    for (const entry of checked) {
      let conversation = byConversation.get(entry.conversationId);
      if (conversation === undefined) {
        conversation = { entries: [], newest: new Map() }; // newest: member -> newest seq
        byConversation.set(entry.conversationId, conversation);
      }
      conversation.entries.push(entry);
      for (const member of entry.members) {
        conversation.newest.set(member, Math.max(entry.seq, conversation.newest.get(member) ?? 0));
      }
    }
    return await this.messages.inTransaction(() => {
      const now = this.clock.now();
      let indexed = 0;
      for (const [conversationId, { entries: entriesOf, newest }] of byConversation) {
        const membersAt = new Map<number, string[]>();
        for (const [member, seq] of newest) {
          const members = membersAt.get(seq);
          if (members) members.push(member);
          else membersAt.set(seq, [member]);
        }
        const written = [...membersAt].every(([seq, members]) =>
          this.messages.index(conversationId, seq, members, now),
        );
        if (written) {
          indexed += this.countStored(conversationId, entriesOf, membersAt);
          continue;
        }
        for (const c of entriesOf) if (this.messages.index(conversationId, c.seq, c.members, now)) indexed += 1;
      }
      return indexed;
    });
  }

  /**
   * How many entries name a stored message, where index() just stored the seqs of `proven`: those exist, and the
   * others (older messages of the batch, typically next to each other) are looked up with one range read, or one by
   * one when they lie too far apart for a range read to be worth it.
   */
  private countStored(
    conversationId: string,
    entries: readonly { seq: number }[],
    proven: ReadonlyMap<number, unknown>,
  ): number {
    let lo = MAX_SEQ;
    let hi = 0;
    let unproven = 0;
    for (const { seq } of entries) {
      if (proven.has(seq)) continue;
      unproven += 1;
      lo = Math.min(lo, seq);
      hi = Math.max(hi, seq);
    }
    if (unproven === 0) return entries.length;
    const span = hi - lo + 1;
    let stored: (seq: number) => boolean;
    if (span <= 2 * unproven) {
      const seqs = new Set(this.messages.storedSeqs(conversationId, lo, hi));
      stored = (seq) => seqs.has(seq);
    } else {
      stored = (seq) => this.messages.hasMessage(conversationId, seq);
    }
    let count = 0;
    for (const { seq } of entries) if (proven.has(seq) || stored(seq)) count += 1;
    return count;
  }

  private indexEntry(
    message: ChatMessage | undefined,
    memberIds: readonly string[],
  ): { conversationId: string; seq: number; members: string[] } {
    if (!message) throw new InvalidArgument('message is required');
    requireConversationId(message.conversationId, 'message.conversation_id');
    requireIntInRange('message.seq', message.seq, 1, MAX_SEQ);
    return {
      conversationId: message.conversationId,
      seq: message.seq,
      members: requireIds('member_ids', memberIds, 10_000),
    };
  }

  /** Idempotent: indexing the same message again changes nothing. */
  index(message: ChatMessage | undefined, memberIds: readonly string[]): number {
    const { conversationId, seq, members } = this.indexEntry(message, memberIds);
    if (!this.messages.index(conversationId, seq, members, this.clock.now())) {
      throw new NotFound(`no message with seq ${seq} in ${conversationId}`, {
        code: 'MESSAGE_NOT_FOUND',
      });
    }
    return members.length;
  }

  userConversations(userId: string): Conversation[] {
    requireId('user_id', userId);
    return this.messages.conversationsOf(userId).map((summary): Conversation => {
      const parsed = requireConversationId(summary.conversationId);
      let peerId = '';
      let groupId = '';
      let title = summary.conversationId;
      if ('groupId' in parsed) {
        groupId = parsed.groupId;
        title = this.groups.get(groupId)?.name ?? groupId;
      } else {
        peerId = parsed.userIds[0] === userId ? parsed.userIds[1] : parsed.userIds[0];
        const [peer] = this.users.getMany([peerId]);
        title = peer?.displayName ?? peerId;
      }
      return {
        conversationId: summary.conversationId,
        type: summary.conversationType,
        peerId,
        groupId,
        title,
        maxSeq: summary.maxSeq,
        readSeq: summary.readSeq,
        unreadCount: summary.unreadCount,
        lastMessage: summary.lastMessage,
      };
    });
  }
}

/** The leading messages whose bodies fit in maxBytes; never fewer than one. */
function boundedByBytes(messages: ChatMessage[], maxBytes: number): ChatMessage[] {
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    bytes += Buffer.byteLength((messages[i] as ChatMessage).body, 'utf8');
    if (bytes > maxBytes && i > 0) return messages.slice(0, i);
  }
  return messages;
}
