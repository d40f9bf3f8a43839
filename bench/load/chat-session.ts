// The load of one generator process: its connections, the pairs among them, and one phase at a time (a fixed
// rate or a window of sends in flight). Everything is counted here, on this process's one clock.
import { performance } from 'node:perf_hooks';
import { ChatConnection, type ServerFrame } from './chat-connection';
import { GeneratorMeter } from './generator-meter';
import type { LoadPair, LoadPhase, LoadUser, PhaseCounts, PhaseResult } from './protocol';

/** How long past its drain period a phase may take to catch up before the next phase starts anyway. */
const SETTLE_MS = 120_000;

interface Sent {
  pair: number;
  atMs: number;
  acked: boolean;
  answered: boolean;
  delivered: boolean;
}

/** The state of the phase being run; sends of an earlier phase that arrive late are ignored by id prefix. */
class PhaseState {
  readonly sent = new Map<string, Sent>();
  readonly counts: PhaseCounts = {
    sent: 0,
    acked: 0,
    delivered: 0,
    duplicates: 0,
    errors: {},
    lost: 0,
    unanswered: 0,
  };
  readonly latenciesMs: number[] = [];
  answered = 0;
  /** When the last answer or delivery of this phase arrived. */
  lastAnswerMs = 0;
  ackedInTime = 0;
  deliveredInTime = 0;
  running = true;
  endsAtMs = Number.POSITIVE_INFINITY;

  constructor(
    readonly prefix: string,
    /** Closed loop: every answer to a send makes the next send of its pair while the phase runs. */
    readonly closedLoop: boolean,
  ) {}

  error(code: string): void {
    this.counts.errors[code] = (this.counts.errors[code] ?? 0) + 1;
  }
}

export class ChatSession {
  private connections: ChatConnection[] = [];
  private users: LoadUser[] = [];
  private pairs: LoadPair[] = [];
  private body = '';
  private phaseNumber = 0;
  private phase: PhaseState | undefined;
  /** Per recipient connection: the (conversation, seq) and clientMsgIds it already got, over the whole session. */
  private seen: Set<string>[] = [];
  private nextId = 0;

  async connect(users: LoadUser[], pairs: LoadPair[], bodyBytes: number): Promise<number> {
    this.users = users;
    this.pairs = pairs;
    this.body = 'x'.repeat(bodyBytes);
    this.seen = users.map(() => new Set<string>());
    // A few at a time: a burst of thousands of upgrades is a connection-storm test, not this one.
    const opened: ChatConnection[] = new Array<ChatConnection>(users.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < users.length) {
        const index = next++;
        opened[index] = await ChatConnection.open(
          index,
          (users[index] as LoadUser).wsUrl,
          (conn, frame) => this.onFrame(conn, frame),
          () => this.phase?.error('SOCKET_CLOSED'),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, users.length) }, worker));
    this.connections = opened;
    return opened.length;
  }

  /** Runs one phase to its end and its drain; `progress` is called about once a second. */
  async run(label: string, phase: LoadPhase, progress: (counts: PhaseCounts) => void): Promise<PhaseResult> {
    const state = new PhaseState(`p${++this.phaseNumber}-`, phase.kind === 'window');
    this.phase = state;
    const meter = new GeneratorMeter();
    const ticker = setInterval(() => progress(state.counts), 1000);
    const startMs = performance.now();
    state.endsAtMs = startMs + phase.durationMs;
    let maxScheduleLagMs = 0;
    if (phase.kind === 'rate') maxScheduleLagMs = await this.runRate(state, phase.ratePerSec, phase.durationMs);
    else await this.runWindow(state, phase.window, phase.durationMs);
    state.running = false;
    const health = meter.stop(maxScheduleLagMs);
    const endMs = performance.now();
    let settled = await this.drain(state, endMs + phase.drainMs);
    for (const sent of state.sent.values()) {
      if (!sent.answered) state.counts.unanswered += 1;
      else if (sent.acked && !sent.delivered) state.counts.lost += 1;
    }
    // What is still in flight would be measured by the next phase: wait (uncounted) until the system caught up.
    if (!settled) settled = await this.drain(state, endMs + phase.drainMs + SETTLE_MS);
    clearInterval(ticker);
    const seconds = phase.durationMs / 1000;
    return {
      label,
      phase,
      counts: state.counts,
      latenciesMs: state.latenciesMs,
      deliveredPerSec: state.deliveredInTime / seconds,
      ackedPerSec: state.ackedInTime / seconds,
      sentPerSec: state.counts.sent / seconds,
      caughtUpAfterMs: settled ? Math.max(0, state.lastAnswerMs - endMs) : undefined,
      health,
    };
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }

  private send(state: PhaseState, pairIndex: number): void {
    const pair = this.pairs[pairIndex] as LoadPair;
    const clientMsgId = `${state.prefix}${(this.nextId++).toString(36)}`;
    state.sent.set(clientMsgId, {
      pair: pairIndex,
      atMs: performance.now(),
      acked: false,
      answered: false,
      delivered: false,
    });
    state.counts.sent += 1;
    const to = (this.users[pair.recipient] as LoadUser).userId;
    (this.connections[pair.sender] as ChatConnection).send(
      JSON.stringify({ type: 'send', clientMsgId, to: { userId: to }, body: this.body }),
    );
  }

  /** Open loop: every millisecond, makes the sends that are due by now; returns the latest a send was made
   * behind its due time, in ms. */
  private runRate(state: PhaseState, ratePerSec: number, durationMs: number): Promise<number> {
    const total = Math.round((ratePerSec * durationMs) / 1000);
    const start = performance.now();
    let maxLagMs = 0;
    let nextPair = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const elapsed = performance.now() - start;
        const due = Math.min(total, Math.floor((ratePerSec * elapsed) / 1000));
        const backlog = due - state.counts.sent;
        // How late the oldest due send is: send number k (from 1) is due at k / rate seconds.
        if (backlog > 0) maxLagMs = Math.max(maxLagMs, elapsed - ((state.counts.sent + 1) * 1000) / ratePerSec);
        for (let i = 0; i < backlog; i++) {
          this.send(state, nextPair);
          nextPair = (nextPair + 1) % this.pairs.length;
        }
        if (state.counts.sent >= total && elapsed >= durationMs) {
          clearInterval(timer);
          resolve(maxLagMs);
        }
      };
      const timer = setInterval(tick, 1);
    });
  }

  /** Closed loop: each pair starts `window` sends and makes a new one for every answer until the time is up. */
  private runWindow(state: PhaseState, window: number, durationMs: number): Promise<void> {
    for (let pair = 0; pair < this.pairs.length; pair++) {
      for (let i = 0; i < window; i++) this.send(state, pair);
    }
    return new Promise((resolve) => setTimeout(resolve, durationMs));
  }

  /** Waits until every send is answered and every acked one delivered, or the deadline; true if it got there. */
  private async drain(state: PhaseState, deadlineMs: number): Promise<boolean> {
    const settled = (): boolean => state.answered >= state.counts.sent && state.counts.delivered >= state.counts.acked;
    while (!settled() && performance.now() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 20));
    return settled();
  }

  private onFrame(conn: number, frame: ServerFrame): void {
    const state = this.phase;
    if (!state) return;
    if (frame.type === 'ack' || frame.type === 'error') {
      const sent = frame.clientMsgId === undefined ? undefined : state.sent.get(frame.clientMsgId);
      if (frame.type === 'error') state.error(frame.code ?? 'UNKNOWN');
      if (!sent || sent.answered) return;
      sent.answered = true;
      state.answered += 1;
      state.lastAnswerMs = performance.now();
      if (frame.type === 'ack') {
        sent.acked = true;
        state.counts.acked += 1;
        if (performance.now() <= state.endsAtMs) state.ackedInTime += 1;
      }
      if (state.running && state.closedLoop) this.send(state, sent.pair);
      return;
    }
    if (frame.type !== 'message' || !frame.message) return;
    const { conversationId, seq, clientMsgId } = frame.message;
    const seen = this.seen[conn] as Set<string>;
    const seqKey = `${conversationId}#${seq}`;
    const idKey = `id:${clientMsgId}`;
    if (seen.has(seqKey) || seen.has(idKey)) {
      state.counts.duplicates += 1;
      return;
    }
    seen.add(seqKey);
    seen.add(idKey);
    const sent = clientMsgId === undefined ? undefined : state.sent.get(clientMsgId);
    if (!sent) return;
    const now = performance.now();
    sent.delivered = true;
    state.counts.delivered += 1;
    state.lastAnswerMs = now;
    if (now <= state.endsAtMs) state.deliveredInTime += 1;
    state.latenciesMs.push(now - sent.atMs);
  }
}
