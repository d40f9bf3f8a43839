// im-gateway's configuration, read once from the environment (see the process contract in the README).
import { ConfigError, readCommonConfig, type CommonConfig, type EnvReader } from '../../lib/config';

export interface GatewayConfig extends CommonConfig {
  gatewayId: string;
  httpHost: string;
  httpPort: number;
  kafkaBrokers: string[];
  logicAddr: string;
  repoAddr: string;
  /**
   * How long a connection stays present without a heartbeat (GATEWAY_PRESENCE_TTL_MS, default 15 s): how long a
   * gateway that died and did not come back leaves its users shown online. An outage of im-repo or Redis does not
   * count against it (im-repo judges expiry only over time it was working).
   */
  presenceTtlMs: number;
  /** How often presence and the gateway registration are renewed (GATEWAY_HEARTBEAT_MS, default TTL / 3). */
  heartbeatMs: number;
  /** How often clients are pinged; a client that misses one pong is dropped (WS_PING_INTERVAL_MS, default 25 s). */
  pingIntervalMs: number;
}

export function readGatewayConfig(env: EnvReader): GatewayConfig {
  const common = readCommonConfig(env, 'im-gateway');
  const gatewayId = env.string('GATEWAY_ID', { default: common.instanceId });
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(gatewayId)) {
    // It names a consumer group and prefixes connection ids.
    throw new ConfigError('GATEWAY_ID', `must be 1-64 characters of [A-Za-z0-9_.-] (got "${gatewayId}")`);
  }
  const presenceTtlMs = env.int('GATEWAY_PRESENCE_TTL_MS', { default: 15_000, min: 1000, max: 3_600_000 });
  return {
    ...common,
    gatewayId,
    httpHost: env.string('HTTP_HOST', { default: '127.0.0.1' }),
    httpPort: env.int('HTTP_PORT', { default: 0, min: 0, max: 65535 }),
    kafkaBrokers: env.hostPorts('KAFKA_BROKERS', { minItems: 1 }),
    logicAddr: env.hostPort('LOGIC_ADDR'),
    repoAddr: env.hostPort('REPO_ADDR'),
    presenceTtlMs,
    heartbeatMs: env.int('GATEWAY_HEARTBEAT_MS', {
      default: Math.min(10_000, Math.floor(presenceTtlMs / 3)),
      min: 100,
    }),
    pingIntervalMs: env.int('WS_PING_INTERVAL_MS', { default: 25_000, min: 100 }),
  };
}
