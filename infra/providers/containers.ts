// Redpanda and Redis in containers through testcontainers, for desktops with Docker or Podman.
// testcontainers is loaded only here and only when asked for (it is heavy and needs a runtime).
import { freePort } from './free-port';
import type { TestcontainersModule } from './container-runtime';
import { probeContainerRuntime } from './container-runtime';
import { InfraUnavailableError, type InfraStartOptions, type RunningInfra } from './infra';

export const REDPANDA_IMAGE = 'docker.redpanda.com/redpandadata/redpanda:v24.2.7';
export const REDIS_IMAGE = 'redis:7-alpine';
const STARTUP_TIMEOUT_MS = 120_000;

type StartedContainer = Awaited<ReturnType<InstanceType<TestcontainersModule['GenericContainer']>['start']>>;

async function startRedpanda(tc: TestcontainersModule): Promise<{ container: StartedContainer; brokers: string }> {
  // Kafka clients connect to the address the broker advertises, which must be the one the host sees. The mapped
  // port is only known after start, so the host port is chosen first and mapped to the same container port.
  const port = await freePort();
  const container = await new tc.GenericContainer(REDPANDA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withCommand([
      'redpanda',
      'start',
      '--mode',
      'dev-container',
      '--smp',
      '1',
      '--memory',
      '1G',
      '--kafka-addr',
      `PLAINTEXT://0.0.0.0:${port}`,
      '--advertise-kafka-addr',
      `PLAINTEXT://127.0.0.1:${port}`,
    ])
    .withWaitStrategy(tc.Wait.forLogMessage(/Successfully started Redpanda/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return { container, brokers: `127.0.0.1:${port}` };
}

async function startRedis(tc: TestcontainersModule): Promise<{ container: StartedContainer; url: string }> {
  const container = await new tc.GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withWaitStrategy(tc.Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return { container, url: `redis://${container.getHost()}:${container.getMappedPort(6379)}` };
}

export async function startContainerInfra(
  options: InfraStartOptions,
  reason: string,
  testcontainers?: TestcontainersModule,
): Promise<RunningInfra> {
  let tc = testcontainers;
  if (tc === undefined) {
    const probe = await probeContainerRuntime(options.env);
    if (!probe.available) throw new InfraUnavailableError(`--infra containers: ${probe.reason}`);
    tc = probe.testcontainers;
  }
  options.progress(`infra: starting ${REDPANDA_IMAGE} and ${REDIS_IMAGE} (the first run pulls the images)`);
  const started: StartedContainer[] = [];
  // Each container is remembered as soon as it runs, so a failure of the other one still stops it.
  const track = async <T extends { container: StartedContainer }>(starting: Promise<T>): Promise<T> => {
    const result = await starting;
    started.push(result.container);
    return result;
  };
  try {
    const [redpanda, redis] = await Promise.all([track(startRedpanda(tc)), track(startRedis(tc))]);
    options.progress(`infra: Redpanda at ${redpanda.brokers}, Redis at ${redis.url}`);
    return {
      kind: 'containers',
      reason,
      kafkaBrokers: redpanda.brokers,
      redisUrl: redis.url,
      components: [
        { name: 'kafka', description: `Redpanda container (${REDPANDA_IMAGE})`, address: redpanda.brokers, pid: null },
        { name: 'redis', description: `Redis container (${REDIS_IMAGE})`, address: redis.url, pid: null },
      ],
      stop: async () => {
        await Promise.allSettled(started.map((container) => container.stop()));
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((container) => container.stop()));
    throw new InfraUnavailableError(`could not start the containers: ${(err as Error).message}`, { cause: err });
  }
}
