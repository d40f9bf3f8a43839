// The load of one generator process: its connections, the routes among them, and one phase at a time (a fixed
// rate, a window of sends in flight, or a user coming online). Everything is counted on this process's clock.
import { performance } from 'node:perf_hooks';
import {
  openChatSocket,
  type ChatMessage,
  type ChatSocket,
  type ServerFrame,
  type SignalFrame,
} from '../../lib/chat-client';
import { GeneratorMeter } from './generator-meter';
import { PhaseState } from './phase-state';
import type { LoadPhase, LoadRoute, LoadUser, PhaseCounts, PhaseResult } from './protocol';

/** How long past its drain period a phase may take to catch up before the next phase starts anyway. */
const SETTLE_MS = 120_000;

/** An `online` phase in progress: who came online, since when, and which watchers are still waiting. */
interface OnlineWatch {
  userId: string;
  startMs: number;
  waiting: Set<number>;
}

export class ChatSession {
  private connections: (ChatSocket | undefined)[] = [];
  /** Set by close(): the sockets closing then are not a fault of the phase. */
  private closing = false;
  private users: LoadUser[] = [];
  private routes: LoadRoute[] = [];
  private sendFrames: string[] = [];
  private name = 'gen';
  private phaseNumber = 0;
  private phase: PhaseState | undefined;
  private online: OnlineWatch | undefined;
  /** Per connection: the (conversation, seq) and (sender, clientMsgId) it already got, over the whole session. */
  private seen: Set<string>[] = [];
  /** Per connection and conversation: the highest seq pushed to it. */
  private highestSeq: Map<string, number>[] = [];
  private nextId = 0;

  async connect(name: string, users: LoadUser[], routes: LoadRoute[], bodyBytes: number): Promise<number> {
    this.name = name;
    this.users = users;
    this.routes = routes;
    const body = 'x'.repeat(bodyBytes);
    // The frame without its clientMsgId, made once: the generator's work per send stays small.
    this.sendFrames = routes.map((route) => JSON.stringify({ type: 'send', to: route.to, body }).slice(1));
    this.seen = users.map(() => new Set<string>());
    this.highestSeq = users.map(() => new Map<string, number>());
    this.connections = new Array<ChatSocket | undefined>(users.length);
    const now = users.flatMap((user, index) => (user.deferred ? [] : [index]));
    // A few at a time: a burst of thousands of upgrades is a connection-storm test, not this one.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < now.length) await this.open(now[next++] as number);
    };
    await Promise.all(Array.from({ length: Math.min(32, now.length) }, worker));
    return now.length;
  }

  /** One user's socket (lib/chat-client: parsed once, each frame handed to onFrame), once its `hello` came. */
  private async open(index: number): Promise<void> {
    const socket = openChatSocket({
      url: (this.users[index] as LoadUser).wsUrl,
      name: `connection ${index}`,
      helloTimeoutMs: 30_000,
      perMessageDeflate: false,
      onFrame: (frame) => this.onFrame(index, frame),
      onMalformed: () => this.phase?.error('MALFORMED_FRAME'),
      onClose: () => {
        if (socket.hello && !this.closing) this.phase?.error('SOCKET_CLOSED');
      },
    });
    await socket.ready;
    this.connections[index] = socket;
  }

  /** Runs one phase to its end and its drain; `progress` is called about once a second. */
  async run(label: string, phase: LoadPhase, progress: (counts: PhaseCounts) => void): Promise<PhaseResult> {
    const state = new PhaseState(`${this.name}-p${++this.phaseNumber}-`, phase.kind === 'window');
    this.phase = state;
    const meter = new GeneratorMeter();
    const ticker = setInterval(() => progress(state.counts), 1000);
    state.endsAtMs = performance.now() + phase.durationMs;
    let maxScheduleLagMs = 0;
    if (phase.kind === 'rate') maxScheduleLagMs = await this.runRate(state, phase.ratePerSec, phase.durationMs);
    else if (phase.kind === 'window') await this.runWindow(state, phase.window, phase.durationMs);
    else await this.runOnline(state, phase.user, phase.watchers);
    state.running = false;
    const endMs = performance.now();
    let settled = await this.drain(state, endMs + phase.drainMs);
    const health = meter.stop(maxScheduleLagMs);
    // What is still in flight would be measured by the next phase: wait until the system caught up. What comes
    // now is late, not lost.
    const missingAtDrainEnd = state.missing();
    if (!settled) settled = await this.drain(state, endMs + phase.drainMs + SETTLE_MS);
    state.countMissing();
    if (this.online) state.counts.lost += this.online.waiting.size;
    this.online = undefined;
    state.counts.late = missingAtDrainEnd - state.missing();
    clearInterval(ticker);
    const seconds = Math.max(phase.durationMs, 1) / 1000;
    return {
      label,
      phase,
      counts: state.counts,
      latenciesMs: state.latenciesMs,
      split: state.split,
      deliveredPerSec: state.deliveredInTime / seconds,
      ackedPerSec: state.ackedInTime / seconds,
      sentPerSec: state.counts.sent / seconds,
      caughtUpAfterMs: settled ? Math.max(0, state.lastAnswerMs - endMs) : undefined,
      health,
    };
  }

  close(): void {
    this.closing = true;
    for (const connection of this.connections) void connection?.close();
  }

  private send(state: PhaseState, routeIndex: number): void {
    const route = this.routes[routeIndex] as LoadRoute;
    const clientMsgId = `${state.prefix}${(this.nextId++).toString(36)}`;
    const recipients = route.recipients.length;
    state.sent.set(clientMsgId, {
      route: routeIndex,
      atMs: performance.now(),
      acked: false,
      answered: false,
      recipients,
      pending: recipients,
    });
    state.counts.sent += 1;
    (this.connections[route.sender] as ChatSocket).sendText(
      `{"clientMsgId":"${clientMsgId}",${this.sendFrames[routeIndex]}`,
    );
  }

  /**
   * Open loop: every millisecond, makes the sends that are due by now (round-robin over the routes); returns
   * how late, at worst, a send was made after its due time, in ms.
   */
  private runRate(state: PhaseState, ratePerSec: number, durationMs: number): Promise<number> {
    const total = Math.round((ratePerSec * durationMs) / 1000);
    const start = performance.now();
    let maxLagMs = 0;
    let nextRoute = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const elapsed = performance.now() - start;
        const due = Math.min(total, Math.floor((ratePerSec * elapsed) / 1000));
        const backlog = due - state.counts.sent;
        // Send number k (from 1) is due at k / rate seconds.
        if (backlog > 0) maxLagMs = Math.max(maxLagMs, elapsed - ((state.counts.sent + 1) * 1000) / ratePerSec);
        for (let i = 0; i < backlog; i++) {
          this.send(state, nextRoute);
          nextRoute = (nextRoute + 1) % this.routes.length;
        }
        if (state.counts.sent >= total && elapsed >= durationMs) {
          clearInterval(timer);
          resolve(maxLagMs);
        }
      };
      const timer = setInterval(tick, 1);
    });
  }

  /** Closed loop: each route starts `window` sends and makes a new one for every answer until the time is up. */
  private runWindow(state: PhaseState, window: number, durationMs: number): Promise<void> {
    for (let route = 0; route < this.routes.length; route++) {
      for (let i = 0; i < window; i++) this.send(state, route);
    }
    return new Promise((resolve) => setTimeout(resolve, durationMs));
  }

  private async runOnline(state: PhaseState, user: number, watchers: number[]): Promise<void> {
    if (this.connections[user]) throw new Error(`user ${user} of an online phase is already connected`);
    this.online = {
      userId: (this.users[user] as LoadUser).userId,
      startMs: performance.now(),
      waiting: new Set(watchers),
    };
    state.expectedDeliveries = watchers.length;
    await this.open(user);
  }

  /** Waits until every send is answered and every delivery owed has come, or the deadline; true if so. */
  private async drain(state: PhaseState, deadlineMs: number): Promise<boolean> {
    while (!state.settled() && performance.now() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 20));
    return state.settled();
  }

  private onFrame(conn: number, frame: ServerFrame): void {
    const state = this.phase;
    if (!state) return;
    switch (frame.type) {
      case 'ack':
      case 'error': {
        if (frame.type === 'error') state.error(frame.code ?? 'UNKNOWN');
        const sent = state.answer(frame.clientMsgId, frame.type === 'ack');
        if (sent && state.running && state.closedLoop) this.send(state, sent.route);
        return;
      }
      case 'message':
        if (frame.message) this.onMessage(state, conn, frame.message);
        return;
      case 'signal':
        this.onSignal(state, conn, frame);
        return;
    }
  }

  private onMessage(state: PhaseState, conn: number, message: ChatMessage): void {
    const { conversationId = '', seq = 0, clientMsgId, senderId, sentAtMs } = message;
    const seen = this.seen[conn] as Set<string>;
    const seqKey = `${conversationId}#${seq}`;
    const idKey = `${senderId}/${clientMsgId}`;
    if (seen.has(seqKey) || seen.has(idKey)) {
      state.counts.duplicates += 1;
      return;
    }
    seen.add(seqKey);
    seen.add(idKey);
    this.noteSeq(conn, conversationId, seq);
    const sent = clientMsgId === undefined ? undefined : state.sent.get(clientMsgId);
    if (!sent || sent.pending === 0) return;
    const first = sent.pending === sent.recipients;
    sent.pending -= 1;
    state.delivered(sent.atMs, sentAtMs > 0 ? { storedAtMs: sentAtMs, first } : undefined);
  }

  /**
   * A push with a seq below one already pushed to the connection in that conversation is out of order. Acks
   * are left out: the protocol orders pushes, not a sender's acks against the pushes it gets.
   */
  private noteSeq(conn: number, conversationId: string, seq: number): void {
    const highest = this.highestSeq[conn] as Map<string, number>;
    if (seq <= (highest.get(conversationId) ?? 0)) {
      if (this.phase) this.phase.counts.outOfOrder += 1;
      return;
    }
    highest.set(conversationId, seq);
  }

  private onSignal(state: PhaseState, conn: number, frame: SignalFrame): void {
    const online = this.online;
    if (!online || frame.signalType !== 'friend.status.changed') return;
    if (frame.payload?.userId !== online.userId || frame.payload.status !== 'online') return;
    if (online.waiting.delete(conn)) state.delivered(online.startMs);
  }
}
