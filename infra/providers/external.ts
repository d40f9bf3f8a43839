// Infrastructure someone else runs: KAFKA_BROKERS and REDIS_URL from the environment, checked reachable first.
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { ConfigError, EnvReader } from '../../lib/config';
import { InfraUnavailableError, type InfraStartOptions, type RunningInfra } from './infra';

const CHECK_TIMEOUT_MS = 3000;

/** KAFKA_BROKERS as host:port items, read like every other variable (lib/config.ts), its problems named. */
function readBrokers(env: EnvReader): string[] {
  try {
    return env.hostPorts('KAFKA_BROKERS', { minItems: 1 });
  } catch (err) {
    if (err instanceof ConfigError) throw new InfraUnavailableError(`${err.message}; expected host:port[,host:port]`);
    throw err;
  }
}

async function checkKafka(brokers: string[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'gochat-infra-check',
    brokers,
    connectionTimeout: CHECK_TIMEOUT_MS,
    requestTimeout: CHECK_TIMEOUT_MS,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new InfraUnavailableError(
      `Kafka at KAFKA_BROKERS=${brokers.join(',')} is not reachable: ${(err as Error).message}. ` +
        'Start it, fix the variable, or use --infra embedded.',
      { cause: err },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new InfraUnavailableError(
      `Redis at REDIS_URL=${url} is not reachable: ${(err as Error).message}. ` +
        'Start it, fix the variable, or use --infra embedded.',
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
}

export async function startExternalInfra(options: InfraStartOptions, reason: string): Promise<RunningInfra> {
  const env = new EnvReader(options.env);
  const redisUrl = env.optionalString('REDIS_URL');
  if (env.optionalString('KAFKA_BROKERS') === undefined) {
    throw new InfraUnavailableError('--infra external needs KAFKA_BROKERS (host:port[,host:port])');
  }
  if (!redisUrl) throw new InfraUnavailableError('--infra external needs REDIS_URL (redis://host:port)');
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new InfraUnavailableError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  }
  const brokers = readBrokers(env);
  options.progress(`infra: checking Kafka at ${brokers.join(',')} and Redis at ${redisUrl}`);
  await Promise.all([checkKafka(brokers), checkRedis(redisUrl)]);
  return {
    kind: 'external',
    reason,
    kafkaBrokers: brokers.join(','),
    redisUrl,
    components: [
      { name: 'kafka', description: 'external Kafka (KAFKA_BROKERS)', address: brokers.join(','), pid: null },
      { name: 'redis', description: 'external Redis (REDIS_URL)', address: redisUrl, pid: null },
    ],
    stop: async () => undefined,
  };
}
