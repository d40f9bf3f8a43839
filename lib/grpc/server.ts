// One gRPC server per process: the service's own services plus grpc.health.v1.Health.
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { HealthService } from '../../proto/gen/grpc/health/v1/health';
import type { Logger } from '../log';
import { type AsyncService, serviceNameOf, wrapService } from './handlers';
import { HealthRegistry } from './health';

export interface ServiceRegistration<D extends ServiceDefinition = ServiceDefinition> {
  definition: D;
  implementation: AsyncService<D>;
}

/** Keeps the definition and implementation types paired when building a list of services. */
export function serviceOf<D extends ServiceDefinition>(
  definition: D,
  implementation: AsyncService<D>,
): ServiceRegistration {
  return { definition, implementation } as unknown as ServiceRegistration;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: ServiceRegistration[];
  logger: Logger;
  /** Whether health reports SERVING as soon as the port is bound (default true). */
  servingAtStart?: boolean;
}

export interface RunningGrpcServer {
  /** "host:port" actually bound. */
  address: string;
  port: number;
  health: HealthRegistry;
  /** Sets the health of one service by full name ("gochat.repo.v1.UserService") or of the server (""). */
  setStatus(serviceName: string, serving: boolean): void;
  /** Reports NOT_SERVING, lets calls in flight finish for up to graceMs, then closes whatever is left. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { logger } = options;
  const server = new Server();
  const health = new HealthRegistry();
  const names: string[] = [''];
  for (const { definition, implementation } of options.services) {
    server.addService(definition, wrapService(definition, implementation as never, logger));
    names.push(serviceNameOf(definition));
  }
  server.addService(HealthService, health.server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (err, bound) => {
      if (err)
        reject(new Error(`cannot listen for gRPC on ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      else resolve(bound);
    });
  });
  const serving = options.servingAtStart ?? true;
  for (const name of names) health.set(name, serving);
  const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    health,
    setStatus: (serviceName, isServing) => health.set(serviceName, isServing),
    shutdown: (graceMs = 5000) => {
      closing ??= new Promise<void>((resolve) => {
        for (const name of health.services()) health.set(name, false);
        health.endWatches();
        const timer = setTimeout(() => {
          logger.warn({ graceMs }, 'gRPC calls still running after the grace period; closing them');
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
