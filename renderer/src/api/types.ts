// The appliance API's JSON shapes, as the console reads them. (The renderer cannot import the API's code: it runs
// in a browser and talks to the API over HTTP only; keep these in step with appliance/api.)

export type ServiceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ServiceStatus {
  name: string;
  kind: 'infra' | 'service';
  state: ServiceState;
  health: 'serving' | 'not_serving' | 'unknown';
  pid: number | null;
  port: number | null;
  addresses: Record<string, string>;
  startedAtMs: number | null;
  restarts: number;
  lastExitCode?: number | null;
}

/** Which infrastructure the appliance runs on and why (GET /api/info). */
export interface InfraSummary {
  kind: 'external' | 'containers' | 'embedded';
  reason: string;
  components: { name: string; description: string; address: string }[];
}

export interface ApplianceInfo {
  startedAtMs: number;
  consoles: number;
  rendererBuilt: boolean;
  infra: InfraSummary | null;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  service: string;
  timeMs: number;
  level: LogLevel;
  msg: string;
  raw: string;
  traceId?: string;
}

export interface PartitionInfo {
  partition: number;
  lowWatermark: number;
  highWatermark: number;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

export interface GroupInfo {
  groupId: string;
  state: string;
  members: number;
  partitions: { topic: string; partition: number; committedOffset: number; highWatermark: number; lag: number }[];
}

export interface LagSample {
  atMs: number;
  lag: Record<string, number>;
}

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
  value: unknown;
  decodeError: string | null;
  rawValue: string | null;
  rawKey: string | null;
}

export interface BrowseResult {
  records: DecodedRecord[];
  cursor: string;
  scanned: number;
  remaining: number;
  done: boolean;
}

export interface PresenceChange {
  userId: string;
  status: 'online' | 'offline';
  gatewayId: string;
  connId: string;
  atMs: number;
  reason: string;
  traceId: string | null;
}

export interface PresenceSnapshot {
  users: {
    userId: string;
    connections: { connId: string; gatewayId: string; connectedAtMs: number; expiresAtMs: number }[];
  }[];
  gateways: { gatewayId: string; publicAddress: string; grpcAddress: string; expiresAtMs: number }[];
  connections: number;
  consoles: number;
  /** user id -> username, from the chat store. */
  names: Record<string, string>;
}

export interface TablePage {
  table: string;
  columns: string[];
  rows: Record<string, unknown>[];
  total: number;
  offset: number;
  limit: number;
}

export interface FlowSpan {
  traceId: string;
  seq: number;
  atMs: number;
  from: string;
  to: string;
  label: string;
  kind: 'ws' | 'http' | 'kafka' | 'grpc' | 'note';
  inferred: boolean;
  detail?: string;
}

export interface FlowTrace {
  traceId: string;
  title: string;
  startedAtMs: number;
  lastAtMs: number;
  participants: string[];
  spans: FlowSpan[];
}

export type FlowTraceSummary = Omit<FlowTrace, 'spans'> & { spanCount: number };

export interface SimMessage {
  messageId: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  sentAtMs: number;
  status: 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
  traceId: string | null;
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
  conversations: {
    conversationId: string;
    title: string;
    messages: SimMessage[];
    readSeq: number;
    peerReadSeq: number;
  }[];
  notices: {
    atMs: number;
    signalType: string;
    text: string;
    traceId: string | null;
    payload: Record<string, unknown>;
  }[];
  names: Record<string, string>;
}

export interface FlowRun {
  flow: string;
  ok: boolean;
  steps: { label: string; ok: boolean; detail: string; traceId?: string }[];
}

/** Messages pushed on /api/live. */
export type LiveMessage =
  | { type: 'hello'; services: ServiceStatus[]; atMs: number }
  | { type: 'status'; service: ServiceStatus }
  | { type: 'log'; line: LogLine }
  | { type: 'records'; records: RecordSummary[] }
  | { type: 'gap'; ranges: { topic: string; partition: number; fromOffset: number; toOffset: number }[] }
  | { type: 'rates'; atMs: number; rates: Record<string, number> }
  | { type: 'lag'; sample: LagSample; groups: GroupInfo[] }
  | { type: 'presence'; change: PresenceChange }
  | { type: 'span'; span: FlowSpan }
  | { type: 'client'; client: ClientView }
  | { type: 'client-removed'; username: string }
  | { type: 'subscribed'; logs: string[]; records: string[] }
  | { type: 'error'; error: string };
