// Everything in or beside our own process: the embedded Kafka broker in-process (its log under
// <data-dir>/kafka), and Redis as a real redis-server child (its dump under <data-dir>/redis) when installed,
// else the embedded RESP server (memory only).
import { join } from 'node:path';
import { startBroker, type Broker } from '../kafka-broker/index';
import { startRespServer } from '../resp-server/index';
import { InfraUnavailableError, type InfraComponent, type InfraStartOptions, type RunningInfra } from './infra';
import { findRedisServerBinary, startRedisServerProcess } from './redis-server-process';

/** Matches the partition counts the services create, so auto-created topics look the same. */
const DEFAULT_PARTITIONS = 4;

interface StartedRedis {
  url: string;
  component: InfraComponent;
  stop(): Promise<void>;
}

async function startRedis(options: InfraStartOptions): Promise<StartedRedis> {
  const log = options.log ?? (() => undefined);
  const binary = findRedisServerBinary();
  if (binary) {
    const dir = join(options.dataDir, 'redis');
    const redis = await startRedisServerProcess({
      dataDir: dir,
      binary,
      onOutput: (line) => log('redis', 'info', line),
    });
    return {
      url: redis.url,
      component: {
        name: 'redis',
        description: `redis-server child process (dump in ${dir})`,
        address: redis.url,
        pid: redis.pid,
      },
      stop: redis.stop,
    };
  }
  options.progress(
    'infra: redis-server is not installed; using the embedded RESP server (presence kept in memory only)',
  );
  const resp = await startRespServer({
    onWarning: (msg, err) => log('redis', 'warn', err ? `${msg}: ${String(err)}` : msg),
  });
  return {
    url: resp.url,
    component: {
      name: 'redis',
      description: 'embedded RESP server, in-process (memory only; install redis-server for a real Redis)',
      address: resp.url,
      pid: process.pid,
    },
    stop: resp.stop,
  };
}

export async function startEmbeddedInfra(options: InfraStartOptions, reason: string): Promise<RunningInfra> {
  const log = options.log ?? (() => undefined);
  const kafkaDir = join(options.dataDir, 'kafka');
  options.progress(`infra: starting the embedded Kafka broker (log in ${kafkaDir})`);
  let broker: Broker;
  try {
    broker = await startBroker({
      dataDir: kafkaDir,
      port: 0,
      defaultPartitions: DEFAULT_PARTITIONS,
      logger: {
        info: (msg) => log('kafka', 'info', msg),
        warn: (msg) => log('kafka', 'warn', msg),
        error: (msg) => log('kafka', 'error', msg),
      },
    });
  } catch (err) {
    throw new InfraUnavailableError(`the embedded Kafka broker could not start: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let redis: StartedRedis;
  try {
    redis = await startRedis(options);
  } catch (err) {
    await broker.stop();
    throw new InfraUnavailableError(`Redis could not start: ${(err as Error).message}`, { cause: err });
  }
  options.progress(`infra: Kafka at ${broker.address}, Redis at ${redis.url}`);
  return {
    kind: 'embedded',
    reason,
    kafkaBrokers: broker.address,
    redisUrl: redis.url,
    embeddedBroker: broker,
    components: [
      {
        name: 'kafka',
        description: `embedded Kafka broker, in-process (log in ${kafkaDir})`,
        address: broker.address,
        pid: process.pid,
      },
      redis.component,
    ],
    stop: async () => {
      // Services are stopped before this, so nothing is mid-write; Redis first so its dump is written.
      await redis.stop();
      await broker.stop();
    },
  };
}
