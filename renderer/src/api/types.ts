// The appliance API's JSON shapes, as the console reads them. The shared ones are named once, in
// appliance/api/contract.ts (types only); the ones below exist only in the console's view of the API.
import type {
  ClientView,
  DecodedRecord,
  FlowSpan,
  FlowTrace,
  GroupInfo,
  InfraSummary,
  LagSample,
  LogLine,
  PresenceChange,
  RecordSummary,
  RecordingStatus,
  RunEvent,
  ScenarioProblem,
  ServiceStatus,
  TimelineEvent,
} from '../../../appliance/api/contract';

export type * from '../../../appliance/api/contract';

export interface ApplianceInfo {
  startedAtMs: number;
  consoles: number;
  rendererBuilt: boolean;
  infra: InfraSummary | null;
}

export interface BrowseResult {
  records: DecodedRecord[];
  cursor: string;
  scanned: number;
  remaining: number;
  done: boolean;
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

export type FlowTraceSummary = Omit<FlowTrace, 'spans'> & { spanCount: number };

/** Messages pushed on /api/live. */
export type LiveMessage =
  | { type: 'hello'; services: ServiceStatus[]; atMs: number }
  | { type: 'status'; service: ServiceStatus }
  | { type: 'log'; line: LogLine }
  | { type: 'records'; records: RecordSummary[] }
  | { type: 'gap'; ranges: { topic: string; partition: number; fromOffset: number; toOffset: number }[] }
  | { type: 'rates'; atMs: number; rates: Record<string, number> }
  | { type: 'lag'; sample: LagSample; groups: GroupInfo[] }
  | { type: 'timeline'; event: TimelineEvent }
  | { type: 'presence'; change: PresenceChange }
  | { type: 'span'; span: FlowSpan }
  /** A flow got spans reported by the services (tracing on): its diagram changed. */
  | { type: 'flow'; traceId: string }
  | { type: 'client'; client: ClientView }
  | { type: 'client-removed'; username: string }
  | { type: 'subscribed'; logs: string[]; records: string[] }
  | { type: 'scenario'; runId: string; event: RunEvent }
  | { type: 'recording'; status: RecordingStatus }
  | { type: 'error'; error: string };

export interface ScenarioCheck {
  ok: boolean;
  problems: ScenarioProblem[];
  name?: string;
  columns?: string[];
}
