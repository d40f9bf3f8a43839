// What the appliance API needs from the rest of the appliance. The supervisor, the embedded broker and the
// stores satisfy these (directly or through the small adapters beside this file); tests pass in-memory fakes.
import type * as contract from './contract';

// The contract's shapes the ports speak in, re-exported so an implementation needs only this file.
export type {
  ChaosAction,
  GroupInfo,
  GroupPartitionLag,
  InfraSummary,
  LogLevel,
  LogLine,
  PartitionInfo,
  ReportedSpan,
  ServiceHealth,
  ServiceState,
  ServiceStatus,
  TablePage,
  TopicInfo,
} from './contract';

export const CHAOS_ACTIONS: readonly contract.ChaosAction[] = ['kill', 'pause', 'resume'];

export type Unsubscribe = () => void;

/** Start/stop/restart and observe the appliance's processes. */
export interface ApplianceControl {
  /** Every service and infra component with its current status. */
  services(): contract.ServiceStatus[];
  restart(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  /** Signals one process (a service or redis-server); rejects with ChaosRefusedError where it cannot. */
  chaos(name: string, action: contract.ChaosAction): Promise<void>;
  /**
   * Chaos: makes a service's Kafka consumers wait ms before each batch (0 clears it). Resolves with the consumer
   * groups slowed; rejects with ChaosRefusedError where it cannot (not running, paused, no consumer, bad value).
   */
  consumerLatency(name: string, ms: number): Promise<{ ms: number; groups: string[] }>;
  /** The most recent log lines kept for one service, oldest first. */
  logs(name: string): contract.LogLine[];
  onStatus(listener: (status: contract.ServiceStatus) => void): Unsubscribe;
  onLog(listener: (line: contract.LogLine) => void): Unsubscribe;
  /** Spans the services report (absent where nothing collects them). */
  onSpans?(listener: (spans: contract.ReportedSpan[]) => void): Unsubscribe;
  /** Whether the services report spans (tracing on); absent where nothing collects them. */
  tracing?(): boolean;
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

/**
 * Records appended together to one topic. They are decoded on the first records() call, so watching the broker
 * costs next to nothing while nobody looks at what it stored.
 */
export interface AppendedRecords {
  readonly topic: string;
  readonly count: number;
  records(): BrokerRecord[];
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
  listTopics(): Promise<contract.TopicInfo[]>;
  describeGroups(): Promise<contract.GroupInfo[]>;
  /** Records of one partition from an offset on, at most max, in offset order. */
  readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]>;
  produce(request: ProduceRequest): Promise<{ partition: number; offset: number }>;
  /** Every record appended to any topic, as soon as it is stored, a topic's run of records at a time. */
  onAppend(listener: (appended: AppendedRecords) => void): Unsubscribe;
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

/** Read-only, paged access to the chat store's tables. */
export interface DataReader {
  tables(): Promise<{ name: string; rows: number }[]>;
  /** `where`: only rows whose columns equal these values. */
  page(
    table: string,
    offset: number,
    limit: number,
    where?: Record<string, string | number>,
  ): Promise<contract.TablePage>;
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
