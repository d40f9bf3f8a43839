// SaveMessages calls that im-logic's partition lanes make in the same turn of the event loop leave as one call.
// im-repo commits the calls that reach it together in one transaction anyway (its GroupCommit), so merging them here
// changes nothing about what is stored or when, and saves a whole RPC per lane on both sides: at 1,000 msgs/s the
// lanes made 130-160 calls a second of 6-7 messages each, and on a busy two-core machine a call costs far more in
// wake-ups and framing than its messages cost to store (docs/performance.md).
// The answer is positional, so each caller gets the outcomes of its own messages. A merged call that fails is made
// again caller by caller: a failure that one caller's request causes stays that caller's, as before.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { activeSpan, withActiveSpan, withoutActiveSpan, type Span } from '../../../lib/telemetry';
import { MAX_MARKS_PER_CALL } from '../domain/dispatch-marks';
import type { SaveOutcome } from '../domain/ports';

type Save = (messages: ChatMessage[], dispatchedMessageIds: string[]) => Promise<SaveOutcome[]>;

interface Caller {
  messages: ChatMessage[];
  marks: string[];
  /** The caller's trace: a call made for one caller alone is drawn in it; a merged call belongs to none. */
  span: Span | undefined;
  resolve(outcomes: SaveOutcome[]): void;
  reject(err: unknown): void;
}

/** im-repo takes at most 1,000 messages and 1,000 dispatch marks a call (MAX_BATCH in its domain/messages.ts). */
const MAX_PER_CALL = MAX_MARKS_PER_CALL;

export class SaveCoalescer {
  private waiting: Caller[] = [];

  constructor(
    private readonly save: Save,
    private readonly maxPerCall = MAX_PER_CALL,
  ) {}

  saveMessages(messages: ChatMessage[], dispatchedMessageIds: string[]): Promise<SaveOutcome[]> {
    return new Promise<SaveOutcome[]>((resolve, reject) => {
      const caller: Caller = { messages, marks: dispatchedMessageIds, span: activeSpan(), resolve, reject };
      if (this.waiting.push(caller) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    let call: Caller[] = [];
    let messages = 0;
    let marks = 0;
    for (const caller of waiting) {
      const full = messages + caller.messages.length > this.maxPerCall || marks + caller.marks.length > this.maxPerCall;
      if (call.length > 0 && full) {
        this.send(call);
        call = [];
        messages = 0;
        marks = 0;
      }
      call.push(caller);
      messages += caller.messages.length;
      marks += caller.marks.length;
    }
    if (call.length > 0) this.send(call);
  }

  private send(callers: Caller[]): void {
    const only = callers.length === 1 ? callers[0] : undefined;
    const made = (): Promise<SaveOutcome[]> =>
      this.save(
        callers.flatMap((c) => c.messages),
        callers.flatMap((c) => c.marks),
      );
    const pending = only?.span ? withActiveSpan(only.span, made) : withoutActiveSpan(made);
    pending.then(
      (outcomes) => this.answer(callers, outcomes),
      (err: unknown) => {
        if (only) only.reject(err);
        else for (const caller of callers) this.send([caller]);
      },
    );
  }

  private answer(callers: Caller[], outcomes: SaveOutcome[]): void {
    const expected = callers.reduce((n, c) => n + c.messages.length, 0);
    if (outcomes.length !== expected) {
      const err = new Error(`SaveMessages answered ${outcomes.length} outcomes for ${expected} messages`);
      for (const caller of callers) caller.reject(err);
      return;
    }
    let at = 0;
    for (const caller of callers) {
      const own = outcomes.slice(at, at + caller.messages.length);
      caller.resolve(at === 0 ? own : own.map((outcome) => renumbered(outcome, at)));
      at += caller.messages.length;
    }
  }
}

/** A refusal names the message by its index in the call ("messages[12]: ..."): the caller's index is what it knows. */
function renumbered(outcome: SaveOutcome, offset: number): SaveOutcome {
  if (outcome.refused === '') return outcome;
  const refused = outcome.refused.replace(/^messages\[(\d+)\]/, (_, i: string) => `messages[${Number(i) - offset}]`);
  return { ...outcome, refused };
}
