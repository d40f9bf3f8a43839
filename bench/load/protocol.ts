// What the bench process and a chat load generator (a child process, bench/load/chat-load.ts) say to each other
// over the child's IPC channel. One generator holds both ends of its pairs, so a latency is measured on one clock.

/** One user's connection: where to connect and as whom. */
export interface LoadUser {
  userId: string;
  /** ws://host:port/ws?token=... */
  wsUrl: string;
}

/** A sender and its recipient, as indexes into `users`. */
export interface LoadPair {
  sender: number;
  recipient: number;
}

export type LoadPhase =
  /** Messages at a fixed total rate spread round-robin over the senders (an open loop: sends do not wait for acks). */
  | { kind: 'rate'; ratePerSec: number; durationMs: number; drainMs: number }
  /** Each sender keeps `window` unanswered sends in flight (a closed loop): the delivered rate at saturation. */
  | { kind: 'window'; window: number; durationMs: number; drainMs: number };

export type ToGenerator =
  | { type: 'connect'; users: LoadUser[]; pairs: LoadPair[]; bodyBytes: number }
  | { type: 'run'; label: string; phase: LoadPhase }
  | { type: 'close' };

/** How hard the generator itself worked during a phase, so a reader can tell its limit from the system's. */
export interface GeneratorHealth {
  /** CPU time of the generator process / wall time of the phase (1 = one core busy). */
  cpuFraction: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Open loop only: the largest backlog of sends that were due but not yet made, in ms of schedule. */
  maxScheduleLagMs: number;
  /** Why the figure may be the generator's limit, empty when it kept up. */
  limitedBy: string[];
}

export interface PhaseCounts {
  sent: number;
  acked: number;
  delivered: number;
  /** A recipient got the same (conversation, seq) or the same clientMsgId twice. */
  duplicates: number;
  /** Error frames, counted by code; sockets that closed during the phase count as `SOCKET_CLOSED`. */
  errors: Record<string, number>;
  /** Acked, but not delivered by the end of the drain period. */
  lost: number;
  /** Sent, but neither acked nor refused by the end of the drain period. */
  unanswered: number;
}

export interface PhaseResult {
  label: string;
  phase: LoadPhase;
  counts: PhaseCounts;
  /** Send -> recipient receive, ms, of every delivery (sent during the phase). */
  latenciesMs: number[];
  /** Deliveries received during the phase's own duration (not the drain) / duration. */
  deliveredPerSec: number;
  ackedPerSec: number;
  sentPerSec: number;
  /** From the phase's end until every send was answered and every acked one delivered; undefined if never. */
  caughtUpAfterMs: number | undefined;
  health: GeneratorHealth;
}

export type FromGenerator =
  | { type: 'connected'; connections: number; elapsedMs: number }
  | { type: 'progress'; label: string; sent: number; acked: number; delivered: number }
  | { type: 'result'; result: PhaseResult }
  | { type: 'failed'; message: string };
