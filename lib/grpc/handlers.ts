// Turns plain async functions into grpc-js unary handlers: decode is done by the generated definition, errors are
// mapped in one place (toGrpcError), every failure is logged, and nothing a handler does can crash the process.
import type {
  Metadata,
  sendUnaryData,
  ServerUnaryCall,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { isDomainError } from '../errors';
import { toGrpcError } from './errors';
import type { Logger } from '../log';
import { endFailed, SpanKind, startSpan, traceparentOf, withActiveSpan } from '../telemetry';
import { TRACEPARENT_KEY, traceIdOf } from '../trace';
import { summarize } from './summary';

/** What a handler knows about the call besides its request. */
export interface CallContext {
  /** Full method path, e.g. "/gochat.repo.v1.UserService/CreateUser". */
  method: string;
  /**
   * This call's span: a child of the caller's traceparent, or a new root. The handler runs with it active, so the
   * calls it makes and the events it publishes carry it without being told.
   */
  traceparent: string;
  metadata: Metadata;
  /** Logger with method and trace id fields. */
  logger: Logger;
}

interface UnaryMethod<Req, Res> {
  path: string;
  requestStream: false;
  responseStream: false;
  requestDeserialize(bytes: Buffer): Req;
  responseSerialize(value: Res): Buffer;
}

/** For a ts-proto service definition, the async implementation it needs (server-streaming methods excluded). */
export type AsyncService<D> = {
  [K in keyof D as D[K] extends { responseStream: false; requestStream: false } ? K : never]: D[K] extends UnaryMethod<
    infer Req,
    infer Res
  >
    ? (request: Req, ctx: CallContext) => Promise<Res>
    : never;
};

export type AsyncHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/** Wraps one async handler into a grpc-js unary handler. */
export function unaryHandler<Req, Res>(
  method: string,
  handler: AsyncHandler<Req, Res>,
  logger: Logger,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const incoming = call.metadata.get(TRACEPARENT_KEY)[0];
    const [, service = '', rpcMethod = method] = /^\/([^/]+)\/(.+)$/.exec(method) ?? [];
    const span = startSpan(rpcMethod, {
      kind: SpanKind.SERVER,
      parent: typeof incoming === 'string' ? incoming : undefined,
      attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': rpcMethod },
    });
    // What was asked and answered, for the console's hop panel: only when the span is recorded (tracing on).
    const recording = span.isRecording();
    if (recording) span.setAttribute('gochat.rpc.request', summarize(call.request));
    const traceparent = traceparentOf(span);
    const callLogger = logger.child({ method, traceId: traceIdOf(traceparent) });
    const ctx: CallContext = { method, traceparent, metadata: call.metadata, logger: callLogger };
    let answered = false;
    const answer = (err: unknown, response?: Res): void => {
      if (answered) return;
      answered = true;
      try {
        if (err === null) {
          if (recording) span.setAttribute('gochat.rpc.response', summarize(response));
          span.setAttribute('rpc.grpc.status_code', 0);
          span.end();
          callback(null, response);
        } else {
          const grpcError = toGrpcError(err);
          endFailed(span, err, { 'rpc.grpc.status_code': grpcError.code });
          callback(grpcError);
        }
      } catch (sendErr) {
        callLogger.error({ err: sendErr }, 'failed to send gRPC response');
      }
    };
    let pending: Promise<Res>;
    try {
      pending = withActiveSpan(span, () => handler(call.request, ctx));
    } catch (err) {
      pending = Promise.reject(err);
    }
    const startedAt = performance.now();
    pending.then(
      (response) => {
        callLogger.debug({ durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000 }, 'call handled');
        if (response === undefined || response === null) {
          callLogger.error('handler returned no response');
          answer(new Error(`${method} returned no response`));
        } else {
          answer(null, response);
        }
      },
      (err: unknown) => {
        if (isDomainError(err) && err.kind !== 'INTERNAL' && err.kind !== 'UNAVAILABLE') {
          callLogger.info({ code: err.code, reason: err.message }, 'call rejected');
        } else {
          callLogger.error({ err }, 'call failed');
        }
        answer(err);
      },
    );
  };
}

/** Builds the grpc-js implementation of a whole service from its async implementation. */
export function wrapService<D extends ServiceDefinition>(
  definition: D,
  implementation: AsyncService<D>,
  logger: Logger,
): UntypedServiceImplementation {
  const wrapped: Record<string, UntypedHandleCall> = {};
  const impl = implementation as unknown as Record<string, AsyncHandler<unknown, unknown> | undefined>;
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream || method.responseStream) continue;
    const handler = impl[name];
    if (typeof handler !== 'function') {
      throw new Error(`no handler for ${method.path} (expected a function named "${name}")`);
    }
    wrapped[name] = unaryHandler(method.path, handler.bind(implementation), logger) as UntypedHandleCall;
  }
  return wrapped;
}

/** "gochat.repo.v1.UserService" from a definition whose methods have paths "/gochat.repo.v1.UserService/X". */
export function serviceNameOf(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  const match = first ? /^\/([^/]+)\//.exec(first.path) : null;
  if (!match?.[1]) throw new Error('cannot tell the service name of an empty service definition');
  return match[1];
}
