// What the bench process and a chat load generator (a child process, bench/load/chat-load.ts) say to each other
// over the child's IPC channel. One generator holds both ends of its pairs, so a latency is measured on one clock.

/** One user's connection: where to connect and as whom. */
export interface LoadUser {
  userId: string;
  /** ws://host:port/ws?token=... */
  wsUrl: string;
  /** Not connected with the others: an `online` phase connects it. */
  deferred?: boolean;
}

/**
 * Who sends where, as indexes into `users`: to one user (p2p) or to a group, and the connections that must get
 * every message of this route (the group's other online members; the recipient for p2p).
 */
export interface LoadRoute {
  sender: number;
  to: { userId: string } | { groupId: string };
  recipients: number[];
}

export type LoadPhase =
  /** Messages at a fixed total rate spread round-robin over the senders (an open loop: sends do not wait for acks). */
  | { kind: 'rate'; ratePerSec: number; durationMs: number; drainMs: number }
  /** Each sender keeps `window` unanswered sends in flight (a closed loop): the delivered rate at saturation. */
  | { kind: 'window'; window: number; durationMs: number; drainMs: number }
  /**
   * A deferred user connects; each watcher's latency is from the start of that connection until it got the
   * user's `friend.status.changed` online signal. `durationMs` is unused (0).
   */
  | { kind: 'online'; user: number; watchers: number[]; durationMs: number; drainMs: number };

export type ToGenerator =
  | { type: 'connect'; name: string; users: LoadUser[]; routes: LoadRoute[]; bodyBytes: number }
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
  /** Messages received by a recipient (a group message counts once per recipient), or watchers notified. */
  delivered: number;
  /** A recipient got the same (conversation, seq) or the same (sender, clientMsgId) twice. */
  duplicates: number;
  /** A recipient got a seq below one it already had in that conversation. */
  outOfOrder: number;
  /**
   * Error frames, counted by code; sockets that closed during the phase count as `SOCKET_CLOSED`, frames that
   * were not JSON objects as `MALFORMED_FRAME`.
   */
  errors: Record<string, number>;
  /** Deliveries of acked messages (or notices to watchers) that never came, even after the settle period. */
  lost: number;
  /** Sent, but neither acked nor refused, even after the settle period. */
  unanswered: number;
  /** Answers and deliveries that came after the drain period, but before the settle period ended. */
  late: number;
}

/** Counts of a phase before anything happened. */
export function noCounts(): PhaseCounts {
  return { sent: 0, acked: 0, delivered: 0, duplicates: 0, outOfOrder: 0, errors: {}, lost: 0, unanswered: 0, late: 0 };
}

/**
 * A message's time cut at the `sentAtMs` of its push (the system: when im-repo stored it; the relay: when it
 * forwarded it), on this machine's clock, and the sender's wait for its ack. All ms.
 */
export interface LatencySplit {
  /** Send -> ack, once per acked send. */
  ackMs: number[];
  /** Send -> stored (`sentAtMs`), once per delivered message. */
  toStoredMs: number[];
  /** Stored -> recipient receive, once per delivery. */
  storedToDeliveredMs: number[];
}

/** A split with nothing in it yet. */
export function noSplit(): LatencySplit {
  return { ackMs: [], toStoredMs: [], storedToDeliveredMs: [] };
}

export interface PhaseResult {
  label: string;
  phase: LoadPhase;
  counts: PhaseCounts;
  /** Send -> recipient receive, ms, of every delivery of this phase (connect -> notice for `online`). */
  latenciesMs: number[];
  /** Where that time went (see LatencySplit); empty for `online`. */
  split: LatencySplit;
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
