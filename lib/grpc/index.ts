export { call, connectClient, DEFAULT_DEADLINE_MS, type CallOptionsLite } from './client';
export { type AsyncService, type CallContext, unaryHandler, wrapService, serviceNameOf } from './handlers';
export { checkHealth, HealthRegistry, ServingStatus } from './health';
export {
  serviceOf,
  startGrpcServer,
  type GrpcServerOptions,
  type RunningGrpcServer,
  type ServiceRegistration,
} from './server';
