// What one generator counts while a phase runs: its sends, their answers and deliveries, and the latencies.
import { performance } from 'node:perf_hooks';
import { noCounts, noSplit, type PhaseCounts } from './protocol';

export interface Sent {
  route: number;
  atMs: number;
  acked: boolean;
  answered: boolean;
  recipients: number;
  /** Recipients that have not got it yet. */
  pending: number;
}

export class PhaseState {
  /** By clientMsgId; sends of an earlier phase that arrive late are not found here and so not counted. */
  readonly sent = new Map<string, Sent>();
  readonly counts: PhaseCounts = noCounts();
  readonly latenciesMs: number[] = [];
  readonly split = noSplit();
  answered = 0;
  /** Deliveries (or notices) owed for what was acked so far. */
  expectedDeliveries = 0;
  /** When the last answer or delivery of this phase arrived. */
  lastAnswerMs = 0;
  ackedInTime = 0;
  deliveredInTime = 0;
  running = true;
  endsAtMs = Number.POSITIVE_INFINITY;

  constructor(
    readonly prefix: string,
    /** Closed loop: every answer to a send makes the next send of its route while the phase runs. */
    readonly closedLoop: boolean,
  ) {}

  error(code: string): void {
    this.counts.errors[code] = (this.counts.errors[code] ?? 0) + 1;
  }

  /** An ack or a send error; returns the send if this is its first answer. */
  answer(clientMsgId: string | undefined, acked: boolean): Sent | undefined {
    const sent = clientMsgId === undefined ? undefined : this.sent.get(clientMsgId);
    if (!sent || sent.answered) return undefined;
    sent.answered = true;
    this.answered += 1;
    this.lastAnswerMs = performance.now();
    if (acked) {
      sent.acked = true;
      this.counts.acked += 1;
      this.split.ackMs.push(this.lastAnswerMs - sent.atMs);
      this.expectedDeliveries += sent.recipients;
      if (this.lastAnswerMs <= this.endsAtMs) this.ackedInTime += 1;
    }
    return sent;
  }

  /**
   * One recipient got a message (or a watcher its notice), `startMs` being when it was sent; for a message,
   * `storedAtMs` is its `sentAtMs` (wall clock, whole ms) and `first` whether it is the send's first delivery.
   */
  delivered(startMs: number, stored?: { storedAtMs: number; first: boolean }): void {
    const now = performance.now();
    this.counts.delivered += 1;
    this.lastAnswerMs = now;
    if (now <= this.endsAtMs) this.deliveredInTime += 1;
    this.latenciesMs.push(now - startMs);
    if (stored) {
      // sentAtMs is whole milliseconds of the wall clock: cut at it, the halves can be under 0 by less than 1 ms.
      const storedMs = stored.storedAtMs - performance.timeOrigin;
      if (stored.first) this.split.toStoredMs.push(Math.max(0, storedMs - startMs));
      this.split.storedToDeliveredMs.push(Math.max(0, now - storedMs));
    }
  }

  settled(): boolean {
    return this.answered >= this.counts.sent && this.counts.delivered >= this.expectedDeliveries;
  }

  /** Answers and deliveries still owed. */
  missing(): number {
    return this.counts.sent - this.answered + Math.max(0, this.expectedDeliveries - this.counts.delivered);
  }

  /** After the settle period: what never came. */
  countMissing(): void {
    for (const sent of this.sent.values()) {
      if (!sent.answered) this.counts.unanswered += 1;
      else if (sent.acked) this.counts.lost += sent.pending;
    }
  }
}
