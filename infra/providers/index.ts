// Picks and starts the infrastructure (Kafka + Redis) for the appliance.
//   external   KAFKA_BROKERS / REDIS_URL from the environment
//   containers Redpanda + Redis through testcontainers
//   embedded   our broker in-process + redis-server (or the embedded RESP server)
//   auto       external if KAFKA_BROKERS is set, else containers if a runtime answers, else embedded
import { EnvReader } from '../../lib/config';
import { probeContainerRuntime } from './container-runtime';
import { startContainerInfra } from './containers';
import { startEmbeddedInfra } from './embedded';
import { startExternalInfra } from './external';
import { INFRA_MODES, InfraUnavailableError, type InfraMode, type InfraStartOptions, type RunningInfra } from './infra';

export * from './infra';
export { probeContainerRuntime } from './container-runtime';
export { freePort, freePorts } from './free-port';

export async function startInfra(mode: InfraMode, options: InfraStartOptions): Promise<RunningInfra> {
  switch (mode) {
    case 'external':
      return startExternalInfra(options, 'asked for with --infra external');
    case 'containers':
      return startContainerInfra(options, 'asked for with --infra containers');
    case 'embedded':
      return startEmbeddedInfra(options, 'asked for with --infra embedded');
    case 'auto':
      return startAutoInfra(options);
    default:
      throw new InfraUnavailableError(`unknown infra "${String(mode)}"; expected one of ${INFRA_MODES.join(', ')}`);
  }
}

async function startAutoInfra(options: InfraStartOptions): Promise<RunningInfra> {
  if (new EnvReader(options.env).optionalString('KAFKA_BROKERS') !== undefined) {
    options.progress('infra: auto chose external: KAFKA_BROKERS is set');
    return startExternalInfra(options, 'auto: KAFKA_BROKERS is set');
  }
  const startedAt = Date.now();
  const probe = await probeContainerRuntime(options.env);
  if (probe.available) {
    options.progress(`infra: auto chose containers: a container runtime answers (${probe.description})`);
    try {
      return await startContainerInfra(
        options,
        `auto: a container runtime answers (${probe.description})`,
        probe.testcontainers,
      );
    } catch (err) {
      const why = `the container runtime answers but the containers did not start (${(err as Error).message})`;
      options.progress(`infra: auto falls back to embedded: ${why}`);
      return startEmbeddedInfra(options, `auto: ${why}`);
    }
  }
  const why = `KAFKA_BROKERS is not set and ${probe.reason}`;
  options.progress(`infra: auto chose embedded after ${Date.now() - startedAt} ms: ${why}`);
  return startEmbeddedInfra(options, `auto: ${why}`);
}
