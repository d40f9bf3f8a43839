// im-repo's configuration, read once from the environment (see the process contract).
import { join } from 'node:path';
import { ConfigError, readCommonConfig, type CommonConfig, type EnvReader } from '../../lib/config';
import type { SyncMode } from './adapters/sqlite/database';

export interface RepoConfig extends CommonConfig {
  redisUrl: string;
  sqlitePath: string;
  /** How long start waits for Redis before giving up. */
  redisConnectTimeoutMs: number;
  /** SQLITE_SYNCHRONOUS: "full" (default, fsync per commit) or "normal" (WAL: crash-safe, not power-cut-safe). */
  sqliteSync: SyncMode;
}

export function readRepoConfig(env: EnvReader): RepoConfig {
  const common = readCommonConfig(env, 'im-repo');
  const redisUrl = env.string('REDIS_URL');
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', `must be a redis://host:port URL (got "${redisUrl}")`);
  }
  const explicitPath = env.optionalString('SQLITE_PATH');
  if (explicitPath === undefined && common.dataDir === undefined) {
    throw new ConfigError('SQLITE_PATH', 'is required when GOCHAT_DATA_DIR is not set');
  }
  return {
    ...common,
    redisUrl,
    sqlitePath: explicitPath ?? join(common.dataDir as string, 'gochat.db'),
    redisConnectTimeoutMs: env.int('REDIS_CONNECT_TIMEOUT_MS', { default: 10_000, min: 100, max: 300_000 }),
    sqliteSync: env.oneOf('SQLITE_SYNCHRONOUS', ['full', 'normal'] as const, 'full'),
  };
}
