// What every infrastructure provider hands the supervisor: where Kafka and Redis are, and how to stop them.
import type { Broker } from '../kafka-broker/index';
import type { Logger } from '../../lib/log';

export type InfraKind = 'external' | 'containers' | 'embedded';
export type InfraMode = InfraKind | 'auto';
export const INFRA_MODES: readonly InfraMode[] = ['auto', 'embedded', 'containers', 'external'];

/** One running piece of infrastructure, as `gochat status` and the console list it. */
export interface InfraComponent {
  name: 'kafka' | 'redis';
  /** How it runs, in words a person reads ("embedded Kafka broker, in-process"). */
  description: string;
  /** host:port for Kafka, redis:// URL for Redis. */
  address: string;
  /** The process serving it; the supervisor's own pid for in-process parts, null for containers and external. */
  pid: number | null;
}

export interface RunningInfra {
  kind: InfraKind;
  /** Why this kind was used (the choice `--infra auto` made, or "asked for with --infra X"). */
  reason: string;
  /** Comma-separated host:port list, as KAFKA_BROKERS. */
  kafkaBrokers: string;
  redisUrl: string;
  components: InfraComponent[];
  /** The in-process broker when the infra is embedded, for the console's topic browser. */
  embeddedBroker?: Broker;
  stop(): Promise<void>;
}

/** A logger per component; their lines are what `gochat logs kafka|redis` and the console show. */
export interface InfraLoggers {
  kafka: Logger;
  redis: Logger;
}

export interface InfraStartOptions {
  /** The appliance's data dir; embedded infra keeps its state below it. */
  dataDir: string;
  /** Where KAFKA_BROKERS / REDIS_URL are read from (process.env unless a test passes its own). */
  env: NodeJS.ProcessEnv;
  /** One line per step, for the terminal. */
  progress: (line: string) => void;
  /** Where the broker and redis-server log (nothing is logged when left out). */
  loggers?: InfraLoggers;
  /** Told when a component changed while running (redis-server restarted under a new pid). */
  onComponentChange?: (component: InfraComponent) => void;
  /** Embedded Redis: "auto" (default) runs redis-server if installed, "resp" always the embedded RESP server. */
  embeddedRedis?: 'auto' | 'resp';
  /** Ports the embedded broker and redis-server take if free (the previous run's), else free ones. */
  preferredPorts?: { kafka?: number; redis?: number };
}

/** A provider could not give us working infrastructure; the message says why and what to do. */
export class InfraUnavailableError extends Error {
  override name = 'InfraUnavailableError';
}
