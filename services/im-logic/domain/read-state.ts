// Read pointers and history. A pointer only moves forward and never past the conversation's max seq (im-repo
// enforces both); message.read is published only when it really moved, so receipts are never repeated.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { Conversation } from '../../../proto/gen/gochat/repo/v1/repo';
import { checkSeq, historyPageSize } from '../../../lib/limits';
import { conversationTypeOf, parseConversationId } from './conversation';
import { InvalidField } from './errors';
import type { ConversationAccess } from './membership';
import type { Clock, EventOrigin, LogicEventPublisher, MessageStore } from './ports';

/** Unread counting pulls at most this many unread messages to discount one's own. */
const UNREAD_SCAN_LIMIT = 1000;

export interface MarkAsReadResult {
  readSeq: number;
  advanced: boolean;
  maxSeq: number;
  unreadCount: number;
}

export interface HistoryPage {
  messages: ChatMessage[];
  maxSeq: number;
  hasMore: boolean;
}

export class ReadState {
  constructor(
    private readonly access: ConversationAccess,
    private readonly store: MessageStore,
    private readonly events: LogicEventPublisher,
    private readonly clock: Clock,
  ) {}

  async markAsRead(
    req: { userId: string; conversationId: string; seq: number },
    origin: EventOrigin,
  ): Promise<MarkAsReadResult> {
    requireUser(req.userId);
    const ref = parseConversationId(req.conversationId);
    // seq 0 is allowed (the doc says seq >= 0): it never moves a pointer, and answers the current read state.
    checkSeq(req.seq, 'seq');
    await this.access.forReading(ref, req.userId);
    const update = await this.store.updateReadPointer(req.userId, ref.conversationId, req.seq);
    if (update.advanced) {
      await this.events.messageRead(
        {
          readerId: req.userId,
          conversationId: ref.conversationId,
          conversationType: conversationTypeOf(ref),
          previousReadSeq: update.previousReadSeq,
          readSeq: update.readSeq,
          readAtMs: this.clock.nowMs(),
        },
        origin,
      );
    }
    const unreadCount = await this.unreadAfter(req.userId, ref.conversationId, update.readSeq, update.maxSeq);
    return { readSeq: update.readSeq, advanced: update.advanced, maxSeq: update.maxSeq, unreadCount };
  }

  async history(req: {
    userId: string;
    conversationId: string;
    fromSeq: number;
    toSeq: number;
    limit: number;
  }): Promise<HistoryPage> {
    requireUser(req.userId);
    const ref = parseConversationId(req.conversationId);
    checkSeq(req.fromSeq, 'from_seq');
    checkSeq(req.toSeq, 'to_seq (0 = latest)');
    if (req.toSeq !== 0 && req.toSeq < req.fromSeq) throw new InvalidField('to_seq', 'is before from_seq');
    const limit = historyPageSize(req.limit);
    const audience = await this.access.forReading(ref, req.userId);
    // A group member sees the conversation from the seq at which they joined, whatever they ask for.
    const fromSeq = Math.max(req.fromSeq, audience.visibleFromSeq);
    if (req.toSeq !== 0 && req.toSeq < fromSeq) {
      const { maxSeq } = await this.store.pullMessages(ref.conversationId, fromSeq, fromSeq, 1);
      return { messages: [], maxSeq, hasMore: false };
    }
    const page = await this.store.pullMessages(ref.conversationId, fromSeq, req.toSeq, limit);
    const last = page.messages[page.messages.length - 1];
    const upTo = req.toSeq === 0 ? page.maxSeq : Math.min(req.toSeq, page.maxSeq);
    // im-repo also ends a page early once its bodies reach ~1 MiB: any page that stops short of the end has more
    const hasMore = last !== undefined && last.seq < upTo;
    return { messages: page.messages, maxSeq: page.maxSeq, hasMore };
  }

  async conversations(userId: string): Promise<Conversation[]> {
    requireUser(userId);
    return this.store.getUserConversations(userId);
  }

  /** max seq - read seq, minus one's own messages in that range (they were never unread). */
  private async unreadAfter(userId: string, conversationId: string, readSeq: number, maxSeq: number): Promise<number> {
    if (maxSeq <= readSeq) return 0;
    const { messages } = await this.store.pullMessages(conversationId, readSeq + 1, maxSeq, UNREAD_SCAN_LIMIT);
    const own = messages.filter((m) => m.senderId === userId).length;
    return Math.max(0, maxSeq - readSeq - own);
  }
}

function requireUser(userId: string): void {
  if (userId === '') throw new InvalidField('user_id', 'is required');
}
