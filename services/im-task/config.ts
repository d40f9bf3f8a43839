// im-task's configuration, read once from the environment; every error names the variable.
import { readCommonConfig, type CommonConfig, type EnvReader } from '../../lib/config';

export interface TaskConfig extends CommonConfig {
  kafkaBrokers: string[];
  repoAddress: string;
}

export function readTaskConfig(env: EnvReader, instanceId: string): TaskConfig {
  return {
    ...readCommonConfig(env, instanceId),
    kafkaBrokers: env.hostPorts('KAFKA_BROKERS', { minItems: 1 }),
    repoAddress: env.hostPort('REPO_ADDR'),
  };
}
