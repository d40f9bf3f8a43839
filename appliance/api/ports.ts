// What the appliance API needs from the rest of the appliance. The supervisor, the embedded broker and the
// stores satisfy these (directly or through the small adapters beside this file); tests pass in-memory fakes.

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
export const CHAOS_ACTIONS: readonly ChaosAction[] = ['kill', 'pause', 'resume'];

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

export type Unsubscribe = () => void;

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

/** Start/stop/restart and observe the appliance's processes. */
export interface ApplianceControl {
  /** Every service and infra component with its current status. */
  services(): ServiceStatus[];
  restart(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  /** Signals one process (a service or redis-server); rejects with ChaosRefusedError where it cannot. */
  chaos(name: string, action: ChaosAction): Promise<void>;
  /**
   * Chaos: makes a service's Kafka consumers wait ms before each batch (0 clears it). Resolves with the consumer
   * groups slowed; rejects with ChaosRefusedError where it cannot (not running, paused, no consumer, bad value).
   */
  consumerLatency(name: string, ms: number): Promise<{ ms: number; groups: string[] }>;
  /** The most recent log lines kept for one service, oldest first. */
  logs(name: string): LogLine[];
  onStatus(listener: (status: ServiceStatus) => void): Unsubscribe;
  onLog(listener: (line: LogLine) => void): Unsubscribe;
  /** Spans the services report (absent where nothing collects them). */
  onSpans?(listener: (spans: ReportedSpan[]) => void): Unsubscribe;
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

export interface BrokerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestampMs: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array>;
}

export interface ProduceRequest {
  topic: string;
  partition?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array>;
}

/** Read-side view of the Kafka broker, plus producing one record for the console's "produce" form. */
export interface KafkaInspector {
  listTopics(): Promise<TopicInfo[]>;
  describeGroups(): Promise<GroupInfo[]>;
  /** Records of one partition from an offset on, at most max, in offset order. */
  readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]>;
  produce(request: ProduceRequest): Promise<{ partition: number; offset: number }>;
  /** Every record appended to any topic, as soon as it is stored. */
  onAppend(listener: (records: BrokerRecord[]) => void): Unsubscribe;
}

export interface PresenceConnectionView {
  connId: string;
  gatewayId: string;
  connectedAtMs: number;
  expiresAtMs: number;
}

export interface OnlineUserView {
  userId: string;
  connections: PresenceConnectionView[];
}

export interface GatewayView {
  gatewayId: string;
  publicAddress: string;
  grpcAddress: string;
  expiresAtMs: number;
}

/** Presence as the presence store (im-repo) holds it. */
export interface PresenceSource {
  onlineUsers(): Promise<OnlineUserView[]>;
  gateways(): Promise<GatewayView[]>;
}

export interface TablePage {
  table: string;
  columns: string[];
  rows: Record<string, unknown>[];
  total: number;
  offset: number;
  limit: number;
}

/** Read-only, paged access to the chat store's tables. */
export interface DataReader {
  tables(): Promise<{ name: string; rows: number }[]>;
  /** `where`: only rows whose columns equal these values. */
  page(table: string, offset: number, limit: number, where?: Record<string, string | number>): Promise<TablePage>;
  /** user id -> username for the given users (unknown ids are left out). */
  usernames(userIds: string[]): Promise<Record<string, string>>;
  /** group id -> group name for the given groups (unknown ids are left out). */
  groupNames(groupIds: string[]): Promise<Record<string, string>>;
}

/** POST /api/seed: many users, friendships and groups created in one go (im-logic's SeedService). */
export interface SeedUsersRequest {
  /** All with this password (users that exist already keep theirs). */
  usernames: string[];
  password: string;
  /** Pairs of indexes into those users. */
  friendships: [number, number][];
  groups: { name: string; owner: number; members: number[] }[];
  /** Answer with a session token per user (a tool then needs no login per user). */
  tokens: boolean;
}

export interface SeedUsersResult {
  users: { userId: string; username: string; created: boolean; token?: string }[];
  groups: { groupId: string; name: string; memberCount: number }[];
  elapsedMs: number;
}

export interface UserSeeding {
  seed(request: SeedUsersRequest): Promise<SeedUsersResult>;
}
