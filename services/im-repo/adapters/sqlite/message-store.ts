import type { ChatMessage, ConversationType } from '../../../../proto/gen/gochat/common/v1/common';
import { parseConversationId } from '../../../../lib/conversation';
import type {
  ConversationSummary,
  MessageStore,
  NewMessage,
  ReadPointerUpdate,
  SavedMessage,
} from '../../domain/ports';
import type { SqliteDatabase } from './database';
import { GroupCommit } from './group-commit';

interface MessageRow {
  message_id: string;
  conversation_id: string;
  conversation_type: number;
  seq: number;
  sender_id: string;
  client_msg_id: string;
  content_type: string;
  body: string;
  sent_at_ms: number;
  dispatched_at_ms: number | null;
}

function messageFromRow(row: MessageRow): ChatMessage {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    conversationType: row.conversation_type as ConversationType,
    seq: row.seq,
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    contentType: row.content_type,
    body: row.body,
    sentAtMs: row.sent_at_ms,
  };
}

export class SqliteMessageStore implements MessageStore {
  private readonly s;
  private readonly commits: GroupCommit;

  constructor(private readonly db: SqliteDatabase) {
    this.commits = new GroupCommit(db);
    this.s = {
      bySenderClientId: db.prepare<[string, string], MessageRow>(
        'SELECT * FROM messages WHERE sender_id = ? AND client_msg_id = ?',
      ),
      bySeq: db.prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?'),
      // Seqs come only from here, inside the transaction that uses them.
      nextSeqs: db.prepare<[string, number], { max_seq: number }>(
        `INSERT INTO conversation_seqs (conversation_id, max_seq) VALUES (?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET max_seq = max_seq + excluded.max_seq
         RETURNING max_seq`,
      ),
      markDispatched: db.prepare<[number, string]>(
        'UPDATE messages SET dispatched_at_ms = ? WHERE message_id = ? AND dispatched_at_ms IS NULL',
      ),
      maxSeq: db.prepare<[string], { max_seq: number }>(
        'SELECT max_seq FROM conversation_seqs WHERE conversation_id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO messages (message_id, conversation_id, conversation_type, seq, sender_id, client_msg_id,
           content_type, body, sent_at_ms)
         VALUES (@messageId, @conversationId, @conversationType, @seq, @senderId, @clientMsgId, @contentType, @body,
           @sentAtMs)`,
      ),
      range: db.prepare<[string, number, number, number, number], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND seq >= ? AND (? = 0 OR seq <= ?)
         ORDER BY seq LIMIT ?`,
      ),
      seqsIn: db
        .prepare<[string, number, number], number>(
          'SELECT seq FROM messages WHERE conversation_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
        )
        .pluck(),
      pointer: db.prepare<[string, string], { read_seq: number; updated_at_ms: number }>(
        'SELECT read_seq, updated_at_ms FROM user_read_pointers WHERE user_id = ? AND conversation_id = ?',
      ),
      allPointers: db.prepare<[string], { conversation_id: string; read_seq: number; updated_at_ms: number }>(
        'SELECT conversation_id, read_seq, updated_at_ms FROM user_read_pointers WHERE user_id = ? ORDER BY conversation_id',
      ),
      upsertPointer: db.prepare(
        `INSERT INTO user_read_pointers (user_id, conversation_id, read_seq, updated_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_seq = excluded.read_seq,
           updated_at_ms = excluded.updated_at_ms
         WHERE excluded.read_seq > user_read_pointers.read_seq`,
      ),
      upsertIndex: db.prepare(
        `INSERT INTO user_conversations (user_id, conversation_id, conversation_type, last_seq, updated_at_ms)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_seq = excluded.last_seq,
           updated_at_ms = excluded.updated_at_ms
         WHERE excluded.last_seq > user_conversations.last_seq`,
      ),
      conversationsOf: db.prepare<[string], { conversation_id: string; conversation_type: number }>(
        `SELECT conversation_id, conversation_type FROM user_conversations WHERE user_id = ?
         ORDER BY updated_at_ms DESC, conversation_id`,
      ),
      joinedSeq: db.prepare<[string, string], { joined_seq: number }>(
        'SELECT joined_seq FROM group_members WHERE group_id = ? AND user_id = ?',
      ),
      unread: db.prepare<[string, number, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND seq > ? AND sender_id <> ?',
      ),
      last: db.prepare<[string, number], MessageRow>(
        'SELECT * FROM messages WHERE conversation_id = ? AND seq >= ? ORDER BY seq DESC LIMIT 1',
      ),
    };
  }

  inTransaction<T>(work: () => T): Promise<T> {
    return this.commits.run(work);
  }

  save(message: NewMessage): SavedMessage {
    return this.atomically(() => this.saveNow(message));
  }

  /**
   * Runs work in a transaction of its own, or as it is inside a caller's (a batch in the group commit), whose
   * savepoint already makes the unit atomic: one more savepoint per message only costs sub-journal writes.
   */
  private atomically<T>(work: () => T): T {
    return this.db.inTransaction ? work() : this.db.transaction(work).immediate();
  }

  private saveNow(message: NewMessage): SavedMessage {
    const original = this.s.bySenderClientId.get(message.senderId, message.clientMsgId);
    if (original) {
      return { message: messageFromRow(original), duplicate: true, dispatched: original.dispatched_at_ms !== null };
    }
    const seq = (this.s.nextSeqs.get(message.conversationId, 1) as { max_seq: number }).max_seq;
    const stored = { ...message, seq };
    this.s.insert.run(stored);
    return { message: { ...stored, conversationType: message.conversationType }, duplicate: false, dispatched: false };
  }

  markDispatched(messageId: string, atMs: number): boolean {
    return this.s.markDispatched.run(atMs, messageId).changes === 1;
  }

  allocateSeqs(conversationId: string, count: number): { firstSeq: number; lastSeq: number } {
    const lastSeq = this.db
      .transaction(() => (this.s.nextSeqs.get(conversationId, count) as { max_seq: number }).max_seq)
      .immediate();
    return { firstSeq: lastSeq - count + 1, lastSeq };
  }

  pull(conversationId: string, fromSeq: number, toSeq: number, limit: number): ChatMessage[] {
    return this.s.range.all(conversationId, fromSeq, toSeq, toSeq, limit).map(messageFromRow);
  }

  storedSeqs(conversationId: string, fromSeq: number, toSeq: number): number[] {
    return this.s.seqsIn.all(conversationId, fromSeq, toSeq);
  }

  maxSeq(conversationId: string): number {
    return this.s.maxSeq.get(conversationId)?.max_seq ?? 0;
  }

  updateReadPointer(userId: string, conversationId: string, seq: number, atMs: number): ReadPointerUpdate {
    return this.db
      .transaction((): ReadPointerUpdate => {
        const maxSeq = this.maxSeq(conversationId);
        const previousReadSeq = this.s.pointer.get(userId, conversationId)?.read_seq ?? 0;
        const target = Math.min(seq, maxSeq);
        if (target <= previousReadSeq) return { readSeq: previousReadSeq, previousReadSeq, advanced: false, maxSeq };
        this.s.upsertPointer.run(userId, conversationId, target, atMs);
        return { readSeq: target, previousReadSeq, advanced: true, maxSeq };
      })
      .immediate();
  }

  readPointers(
    userId: string,
    conversationIds: readonly string[],
  ): { conversationId: string; readSeq: number; updatedAtMs: number }[] {
    if (conversationIds.length === 0) {
      return this.s.allPointers
        .all(userId)
        .map((row) => ({ conversationId: row.conversation_id, readSeq: row.read_seq, updatedAtMs: row.updated_at_ms }));
    }
    return [...new Set(conversationIds)].map((conversationId) => {
      const row = this.s.pointer.get(userId, conversationId);
      return { conversationId, readSeq: row?.read_seq ?? 0, updatedAtMs: row?.updated_at_ms ?? 0 };
    });
  }

  index(conversationId: string, seq: number, memberIds: readonly string[], _atMs: number): boolean {
    const work = (): boolean => {
      const message = this.s.bySeq.get(conversationId, seq);
      if (!message) return false;
      // The message's own time orders the index, so indexing twice (or late) changes nothing.
      for (const userId of new Set(memberIds)) {
        this.s.upsertIndex.run(userId, conversationId, message.conversation_type, seq, message.sent_at_ms);
      }
      return true;
    };
    return this.atomically(work);
  }

  hasMessage(conversationId: string, seq: number): boolean {
    return this.s.bySeq.get(conversationId, seq) !== undefined;
  }

  conversationsOf(userId: string): ConversationSummary[] {
    return this.db.transaction(() =>
      this.s.conversationsOf.all(userId).map((row): ConversationSummary => {
        const parsed = parseConversationId(row.conversation_id);
        const visibleFromSeq =
          parsed && 'groupId' in parsed ? (this.s.joinedSeq.get(parsed.groupId, userId)?.joined_seq ?? 1) : 1;
        const maxSeq = this.maxSeq(row.conversation_id);
        const readSeq = this.s.pointer.get(userId, row.conversation_id)?.read_seq ?? 0;
        const after = Math.max(readSeq, visibleFromSeq - 1);
        const last = this.s.last.get(row.conversation_id, visibleFromSeq);
        return {
          conversationId: row.conversation_id,
          conversationType: row.conversation_type as ConversationType,
          maxSeq,
          readSeq,
          unreadCount: (this.s.unread.get(row.conversation_id, after, userId) as { n: number }).n,
          lastMessage: last ? messageFromRow(last) : undefined,
        };
      }),
    )();
  }
}
