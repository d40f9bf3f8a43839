// Which stored messages have had their delivery published. A mark rides along with the next SaveMessages call
// instead of costing a commit (an fsync) of its own; when no call follows soon, the marks are written alone.
// A mark that is lost in a crash only means that a retry of that send is delivered again, which gateways drop
// for connections that already have the message.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { MessageStore, SaveOutcome } from './ports';

const DEFAULT_FLUSH_DELAY_MS = 200;
/**
 * Most marks one SaveMessages call carries: im-repo refuses more than 1,000 ids a call (MAX_BATCH in
 * services/im-repo/domain/messages.ts). Under a backlog, marks pile up faster than calls go out; the rest wait for
 * the next call (a call that carried them all was refused, retried with the same marks, and wedged the consumer).
 */
export const MAX_MARKS_PER_CALL = 1000;

export class DispatchMarks {
  private readonly pending = new Set<string>();
  private readonly writing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MessageStore,
    private readonly flushDelayMs = DEFAULT_FLUSH_DELAY_MS,
  ) {}

  /** Whether the message's delivery is known to be published, though perhaps not yet marked in storage. */
  has(messageId: string): boolean {
    return this.pending.has(messageId) || this.writing.has(messageId);
  }

  add(messageIds: readonly string[]): void {
    for (const id of messageIds) this.pending.add(id);
    this.schedule();
  }

  /** Stores messages (SaveMessages) together with the marks held so far. */
  async saveWith(messages: ChatMessage[]): Promise<SaveOutcome[]> {
    const marks: string[] = [];
    for (const id of this.pending) {
      if (marks.length === MAX_MARKS_PER_CALL) break;
      marks.push(id);
    }
    if (messages.length === 0 && marks.length === 0) return [];
    for (const id of marks) {
      this.pending.delete(id);
      this.writing.add(id);
    }
    if (this.pending.size > 0) this.schedule();
    try {
      return await this.store.saveMessages(messages, marks);
    } catch (err) {
      for (const id of marks) this.pending.add(id);
      this.schedule();
      throw err;
    } finally {
      for (const id of marks) this.writing.delete(id);
    }
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.size > 0) await this.saveWith([]);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failure puts the marks back and schedules another try (saveWith does both).
      this.flush().catch(() => undefined);
    }, this.flushDelayMs);
    this.timer.unref();
  }
}
