// Infrastructure someone else runs: KAFKA_BROKERS and REDIS_URL from the environment, checked reachable first.
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { InfraUnavailableError, type InfraStartOptions, type RunningInfra } from './infra';

const CHECK_TIMEOUT_MS = 3000;

function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (brokers.length === 0) throw new InfraUnavailableError('KAFKA_BROKERS is empty; expected host:port[,host:port]');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(broker)) {
      throw new InfraUnavailableError(`KAFKA_BROKERS has "${broker}", which is not host:port`);
    }
  }
  return brokers;
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
  const brokersText = options.env.KAFKA_BROKERS;
  const redisUrl = options.env.REDIS_URL;
  if (!brokersText) throw new InfraUnavailableError('--infra external needs KAFKA_BROKERS (host:port[,host:port])');
  if (!redisUrl) throw new InfraUnavailableError('--infra external needs REDIS_URL (redis://host:port)');
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new InfraUnavailableError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  }
  const brokers = parseBrokers(brokersText);
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
