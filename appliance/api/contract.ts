// The JSON shapes the appliance API writes and the console (renderer/) reads, declared here and nowhere else. The
// browser build imports this file (the one exception to "the renderer imports no appliance code"), so it imports
// nothing: the implementation modules import their shapes from it (and re-export them for their own callers), never
// the other way round.

// The appliance's services and logs

export type ServiceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export type ServiceHealth = 'serving' | 'not_serving' | 'unknown';

/** One supervised process or in-process component, as the Overview shows it. */
export interface ServiceStatus {
  name: string;
  kind: 'infra' | 'service';
  state: ServiceState;
  health: ServiceHealth;
  pid: number | null;
  port: number | null;
  /** Named addresses ("grpc", "http", "kafka", "redis", ...), host:port. */
  addresses: Record<string, string>;
  startedAtMs: number | null;
  restarts: number;
  lastExitCode?: number | null;
  /** Stopped with SIGSTOP by a chaos control, until resumed. */
  paused?: boolean;
  /** Chaos: ms its Kafka consumers wait before each batch, while set (a restart clears it). */
  consumerLatencyMs?: number;
}

/** Chaos controls: kill (SIGKILL, the supervisor then restarts it as after a crash), pause (SIGSTOP), resume. */
export type ChaosAction = 'kill' | 'pause' | 'resume';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  service: string;
  timeMs: number;
  level: LogLevel;
  msg: string;
  /** The whole line as the process wrote it (pino JSON, or plain text). */
  raw: string;
  traceId?: string;
}

/** One span a service reported over OTLP (its own RPC, record, commit or WebSocket frame), flattened. */
export interface ReportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** service.name and service.instance.id of the process that made it, e.g. "im-gateway" and "gw-1". */
  service: string;
  instance: string;
  startMs: number;
  durationMs: number;
  ok: boolean;
  statusMessage: string;
  attributes: Record<string, string | number | boolean>;
}

/** Which infrastructure the appliance runs on and why it was chosen, as the Overview states it. */
export interface InfraSummary {
  kind: 'external' | 'containers' | 'embedded';
  reason: string;
  components: { name: string; description: string; address: string }[];
}

// Topics, consumer groups and the store

export interface PartitionInfo {
  partition: number;
  lowWatermark: number;
  highWatermark: number;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  committedOffset: number;
  highWatermark: number;
  lag: number;
}

export interface GroupInfo {
  groupId: string;
  state: string;
  members: number;
  partitions: GroupPartitionLag[];
}

export interface TablePage {
  table: string;
  columns: string[];
  rows: Record<string, unknown>[];
  total: number;
  offset: number;
  limit: number;
}

// Live metrics

export interface LagSample {
  atMs: number;
  /** groupId -> total lag over its partitions. */
  lag: Record<string, number>;
}

// The recovery timeline

export type TimelineKind =
  'kill' | 'crash' | 'stop' | 'pause' | 'resume' | 'latency' | 'healthy' | 'acks' | 'caught-up' | 'retrying';

export interface TimelineEvent {
  /** Increasing; an event pushed again with the same id (a retry count going up) replaces the earlier one. */
  id: number;
  atMs: number;
  service: string;
  kind: TimelineKind;
  text: string;
  /** Recovery events: ms from the fault they recover from. */
  sinceFaultMs?: number;
  /** 'retrying': handler failures counted into this event. */
  count?: number;
}

// Records as the console shows them

export interface RecordSummary {
  topic: string;
  partition: number;
  offset: number;
  timestampMs: number;
  key: string | null;
  eventType: string | null;
  traceId: string | null;
  size: number;
}

export interface DecodedRecord extends RecordSummary {
  headers: Record<string, string>;
  messageType: string | null;
  /** The value as JSON, or null when it could not be decoded (decodeError says why). */
  value: unknown;
  decodeError: string | null;
  /** The value's bytes, base64. */
  rawValue: string | null;
  rawKey: string | null;
}

// Presence

export interface PresenceChange {
  userId: string;
  status: 'online' | 'offline';
  gatewayId: string;
  connId: string;
  atMs: number;
  reason: string;
  traceId: string | null;
}

// Flows

export interface DiagramArrow {
  atMs: number;
  from: string;
  to: string;
  label: string;
  kind: 'ws' | 'http' | 'kafka' | 'grpc' | 'note';
  inferred: boolean;
  /** Expected by the seed flows, but no process reported it. */
  missing?: boolean;
  durationMs?: number;
  /** "OK", or what failed ("UNAVAILABLE: ...", "answered 404"). */
  status?: string;
  /** 2, 3, ...: the same hop again after it failed (a retry). */
  attempt?: number;
  /** The reported span, for the console's detail pane. */
  spanId?: string;
  detail?: string;
}

/** A reported span of a flow, with the spans it is tied to (its parent, the calls it made or served). */
export interface FlowHop {
  span: ReportedSpan;
  related: ReportedSpan[];
}

/** One arrow of a flow's diagram, in the flow of its trace. */
export interface FlowSpan extends DiagramArrow {
  traceId: string;
  seq: number;
}

export interface FlowTrace {
  traceId: string;
  title: string;
  startedAtMs: number;
  lastAtMs: number;
  participants: string[];
  spans: FlowSpan[];
}

// Simulated clients

export interface SimMessage {
  messageId: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  sentAtMs: number;
  /** sending -> sent (acked: stored with a seq) -> delivered (a simulated recipient got it) -> read (receipt). */
  status: 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
  /** While a send has no ack after a moment: what it waits for ("im-logic is paused", ...). */
  waitingFor?: string;
  traceId: string | null;
  /** Members other than the sender when it was acked (1 in a p2p conversation): the M of "read by N of M". */
  recipients?: number;
  /** When the ack came (stored, with a seq). */
  ackedAtMs?: number;
  /** Members seen to receive it (by their simulated client, or by their read receipt): user id -> when. */
  deliveredTo?: Record<string, number>;
  /** Members who read it (read receipts): user id -> when they read. */
  readBy?: Record<string, number>;
}

export interface SimConversation {
  conversationId: string;
  title: string;
  messages: SimMessage[];
  /** How far this user has read. */
  readSeq: number;
  /** How far the other side has read (from receipts), for ticks on this user's messages. */
  peerReadSeq: number;
  /** Each other member's read pointer from receipts: user id -> how far, and when it moved there. */
  readers: Record<string, { readSeq: number; atMs: number }>;
}

export interface SimNotice {
  atMs: number;
  signalType: string;
  text: string;
  traceId: string | null;
  payload: Record<string, unknown>;
}

export interface ClientView {
  username: string;
  userId: string;
  displayName: string;
  gatewayId: string;
  gatewayUrl: string;
  connected: boolean;
  lastError: string | null;
  friends: { userId: string; username: string; status: string }[];
  groups: { groupId: string; name: string; memberCount: number }[];
  conversations: SimConversation[];
  notices: SimNotice[];
  /** user id -> username, for everyone this client knows of. */
  names: Record<string, string>;
}

export interface FlowStep {
  label: string;
  ok: boolean;
  detail: string;
  traceId?: string;
}

export interface FlowRun {
  flow: string;
  ok: boolean;
  steps: FlowStep[];
}

export interface RecordingStatus {
  recording: boolean;
  startedAtMs: number | null;
  actions: number;
  frames: number;
  users: number;
  /** The bound was hit: nothing more is taken until Stop. */
  truncated: boolean;
  /** The recording made by the last Stop, if any. */
  last: { file: string; name: string; steps: number; stoppedAtMs: number } | null;
}

export interface Recording {
  file: string;
  text: string;
}

// Scenario runs

export type StepStatus = 'running' | 'passed' | 'failed' | 'skipped';

export interface StepEvent {
  type: 'step';
  /** Position in the file's step tree: "3", or "4.2.1" for the first step of repeat 4's second round. */
  id: string;
  line: number;
  label: string;
  kind: string;
  /** The actors (as the file names them) the step acts on or checks. */
  actors: string[];
  status: StepStatus;
  startedAtMs: number;
  durationMs?: number;
  /** What happened, for a step that passed ("acked seq 3"). */
  detail?: string;
  /** For a failure: who, what was expected, what was seen. */
  failure?: { actor?: string; expected: string; seen: string };
  /** Traces the step started or observed, to open in the Flows view. */
  traceIds?: string[];
}

export type RunEvent =
  | { type: 'run-start'; scenario: string; file: string; columns: string[]; atMs: number }
  | StepEvent
  | { type: 'run-end'; ok: boolean; durationMs: number; passed: number; failed: number; skipped: number };

/** One thing wrong with a scenario file, where it is. */
export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}
