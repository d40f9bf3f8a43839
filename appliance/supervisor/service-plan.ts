// Which processes make up the appliance, in start order, and the environment contract each one gets.
import { preferredOrFreePorts } from '../../infra/providers/free-port';
import type { RunningInfra } from '../../infra/providers/infra';
import type { DataDirLayout } from './data-dir';
import type { PreviousPorts } from './previous-ports';
import type { ServiceSpec } from './service-process';
import type { ServiceProgram } from './status';

export interface ServicePlanInput {
  layout: DataDirLayout;
  infra: RunningInfra;
  gateways: number;
  tokenSecret: string;
  logLevel?: string;
  /** Ports of the previous run on this data dir, reused where still free. */
  previous?: PreviousPorts;
  /** Where the services export their spans (the supervisor's OTLP receiver); none when tracing is off. */
  otlpUrl?: string;
}

/** The start stages: each stage waits for the one before; processes within a stage start together. */
export type ServicePlan = ServiceSpec[][];

export const MAX_GATEWAYS = 16;

/**
 * Ports are chosen once and kept across restarts, so a restarted im-repo is found where im-logic and the
 * gateways already look for it, and clients reconnect to the same gateway address. They are also kept across runs
 * on the same data dir (the previous run's ports, where still free).
 */
export async function planServices(input: ServicePlanInput): Promise<ServicePlan> {
  if (!Number.isInteger(input.gateways) || input.gateways < 1 || input.gateways > MAX_GATEWAYS) {
    throw new RangeError(`--gateways must be an integer from 1 to ${MAX_GATEWAYS}, got ${input.gateways}`);
  }
  // repo, logic, task, then a gRPC and an HTTP port per gateway.
  const before = input.previous?.services ?? {};
  const wanted = [before['im-repo']?.grpc, before['im-logic']?.grpc, before['im-task']?.grpc];
  for (let index = 1; index <= input.gateways; index += 1)
    wanted.push(before[`gw-${index}`]?.grpc, before[`gw-${index}`]?.http);
  const ports = await preferredOrFreePorts(wanted);
  const nextPort = (): number => ports.shift() as number;
  const repoPort = nextPort();
  const logicPort = nextPort();
  const taskPort = nextPort();
  const repoAddr = `127.0.0.1:${repoPort}`;
  const logicAddr = `127.0.0.1:${logicPort}`;

  const common = (name: string, grpcPort: number): Record<string, string> => ({
    GOCHAT_INSTANCE_ID: name,
    GOCHAT_LOG_LEVEL: input.logLevel ?? 'info',
    GOCHAT_DATA_DIR: input.layout.root,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    KAFKA_BROKERS: input.infra.kafkaBrokers,
    ...(input.otlpUrl ? { GOCHAT_OTLP_URL: input.otlpUrl } : {}),
  });
  const spec = (
    name: string,
    program: ServiceProgram,
    grpcPort: number,
    extra: Record<string, string>,
  ): ServiceSpec => ({
    name,
    program,
    grpcPort,
    env: () => ({ ...common(name, grpcPort), ...extra }),
  });

  const gateways: ServiceSpec[] = [];
  for (let index = 1; index <= input.gateways; index += 1) {
    const gatewayId = `gw-${index}`;
    const grpcPort = nextPort();
    const httpPort = nextPort();
    gateways.push({
      ...spec(gatewayId, 'im-gateway', grpcPort, {
        GATEWAY_ID: gatewayId,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        LOGIC_ADDR: logicAddr,
        REPO_ADDR: repoAddr,
      }),
      httpPort,
    });
  }

  return [
    [spec('im-repo', 'im-repo', repoPort, { REDIS_URL: input.infra.redisUrl, SQLITE_PATH: input.layout.sqliteFile })],
    [spec('im-logic', 'im-logic', logicPort, { REPO_ADDR: repoAddr, TOKEN_SECRET: input.tokenSecret })],
    gateways,
    [spec('im-task', 'im-task', taskPort, { REPO_ADDR: repoAddr })],
  ];
}
