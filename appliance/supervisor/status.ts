// What the supervisor reports about each process it runs. The shapes match what the appliance API serves.

export type ServiceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';
export type ServiceHealth = 'serving' | 'not_serving' | 'unknown';

/** The four service programs; a gateway runs once per gw-N instance. */
export type ServiceProgram = 'im-repo' | 'im-logic' | 'im-gateway' | 'im-task';

export interface ServiceStatus {
  /** "im-repo", "im-logic", "gw-1", "im-task", or an infra component ("kafka", "redis"). */
  name: string;
  kind: 'infra' | 'service';
  state: ServiceState;
  health: ServiceHealth;
  pid: number | null;
  /** The main port: gRPC for services. */
  port: number | null;
  /** Named addresses ("grpc", "http", "kafka", "redis"), host:port or URL. */
  addresses: Record<string, string>;
  startedAtMs: number | null;
  restarts: number;
  lastExitCode?: number | null;
}

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
