// Everything in or beside our own process: the embedded Kafka broker in-process (its log under
// <data-dir>/kafka), and Redis as a real redis-server child (its dump under <data-dir>/redis) when installed,
// else the embedded RESP server (memory only).
import { join } from 'node:path';
import { startBroker, type Broker } from '../kafka-broker/index';
import { startRespServer } from '../resp-server/index';
import { InfraUnavailableError, type InfraComponent, type InfraStartOptions, type RunningInfra } from './infra';
import { findRedisServerBinary, startRedisServerProcess, type RedisServerProcess } from './redis-server-process';
import { backoffMs } from '../../lib/backoff';
import { silentLogger } from '../../lib/log';

/** Matches the partition counts the services create, so auto-created topics look the same. */
const DEFAULT_PARTITIONS = 4;

interface StartedRedis {
  url: string;
  component: InfraComponent;
  stop(): Promise<void>;
}

/**
 * redis-server as a child, restarted on the same port and dump if it dies (presence lives there), with a
 * growing pause between attempts.
 */
async function startSupervisedRedisServer(options: InfraStartOptions, binary: string): Promise<StartedRedis> {
  const logger = options.loggers?.redis ?? silentLogger();
  const dir = join(options.dataDir, 'redis');
  const launch = (port?: number): Promise<RedisServerProcess> =>
    startRedisServerProcess({
      dataDir: dir,
      binary,
      ...(port === undefined ? {} : { port }),
      onOutput: (line) => logger.info(line),
    });
  const preferred = options.preferredPorts?.redis;
  // the previous run's port if it is free; another free one if the preferred one is taken meanwhile
  let current = preferred ? await launch(preferred).catch(() => launch()) : await launch();
  let stopping = false;
  const component: InfraComponent = {
    name: 'redis',
    description: `redis-server child process (dump in ${dir})`,
    address: current.url,
    pid: current.pid,
  };
  const watch = (running: RedisServerProcess): void => {
    void running.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      const why = `redis-server (pid ${running.pid}) exited (${signal ?? `code ${String(code)}`}); restarting it on port ${running.port}`;
      logger.error(why);
      options.progress(`infra: ${why}`);
      for (let attempt = 0; !stopping; attempt += 1) {
        try {
          current = await launch(running.port);
          if (stopping) {
            await current.stop(); // stop() came while this restart was under way
            return;
          }
          component.pid = current.pid;
          options.onComponentChange?.(component);
          options.progress(`infra: redis-server running again (pid ${current.pid})`);
          watch(current);
          return;
        } catch (err) {
          logger.error({ err }, 'redis-server restart failed');
          await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, { initialMs: 500, maxMs: 30_000 })));
        }
      }
    });
  };
  watch(current);
  return {
    url: current.url,
    component,
    stop: async () => {
      stopping = true;
      await current.stop();
    },
  };
}

async function startRedis(options: InfraStartOptions): Promise<StartedRedis> {
  const logger = options.loggers?.redis ?? silentLogger();
  const binary = options.embeddedRedis === 'resp' ? undefined : findRedisServerBinary();
  if (binary) return startSupervisedRedisServer(options, binary);
  const why = options.embeddedRedis === 'resp' ? 'as asked' : 'as redis-server is not installed';
  options.progress(`infra: using the embedded RESP server ${why} (presence kept in memory only)`);
  const resp = await startRespServer({
    onWarning: (msg, err) => (err === undefined ? logger.warn(msg) : logger.warn({ err }, msg)),
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
  const kafkaDir = join(options.dataDir, 'kafka');
  options.progress(`infra: starting the embedded Kafka broker (log in ${kafkaDir})`);
  let broker: Broker;
  try {
    const start = (port: number): Promise<Broker> =>
      startBroker({
        dataDir: kafkaDir,
        port,
        defaultPartitions: DEFAULT_PARTITIONS,
        logger: options.loggers?.kafka ?? silentLogger(),
      });
    const preferred = options.preferredPorts?.kafka;
    // the previous run's port keeps KAFKA_BROKERS stable for tools pointed at it; any free one if it is taken
    broker = preferred
      ? await start(preferred).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EADDRINUSE') throw err;
          return start(0);
        })
      : await start(0);
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
