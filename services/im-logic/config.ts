// im-logic's configuration, read once from the environment; every error names the variable.
import { readCommonConfig, type CommonConfig, type EnvReader } from '../../lib/config';

export interface LogicConfig extends CommonConfig {
  kafkaBrokers: string[];
  repoAddress: string;
  tokenSecret: string;
  tokenTtlMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function readLogicConfig(env: EnvReader, instanceId: string): LogicConfig {
  return {
    ...readCommonConfig(env, instanceId),
    kafkaBrokers: env.hostPorts('KAFKA_BROKERS', { minItems: 1 }),
    repoAddress: env.hostPort('REPO_ADDR'),
    tokenSecret: env.string('TOKEN_SECRET', { minLength: 16 }),
    tokenTtlMs: env.int('TOKEN_TTL_MS', { default: DAY_MS, min: 1000, max: 365 * DAY_MS }),
  };
}
