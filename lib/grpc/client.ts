// Calling another service: a typed promise over the ts-proto grpc-js client, with a deadline, the trace context in
// metadata, and failures turned back into domain errors.
import {
  credentials,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { fromGrpcError } from './errors';
import { endFailed, SpanKind, startSpan, traceparentOf } from '../telemetry';
import { TRACEPARENT_KEY } from '../trace';

export const DEFAULT_DEADLINE_MS = 5000;

type ClientCtor<C> = new (address: string, creds: ChannelCredentials, options?: Partial<ClientOptions>) => C;

export function connectClient<C extends Client>(
  Ctor: ClientCtor<C>,
  address: string,
  options?: Partial<ClientOptions>,
): C {
  return new Ctor(address, credentials.createInsecure(), options);
}

// ts-proto declares each unary method as three overloads; inference sees the last one,
// (request, metadata, options, callback), which is the one we call.
type UnaryFn<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export type UnaryMethodName<C> = {
  [K in keyof C]: C[K] extends UnaryFn<infer _Req, infer _Res> ? K : never;
}[keyof C] &
  string;
export type RequestOf<C, M extends keyof C> = C[M] extends UnaryFn<infer Req, infer _Res> ? Req : never;
export type ResponseOf<C, M extends keyof C> = C[M] extends UnaryFn<infer _Req, infer Res> ? Res : never;

export interface CallOptionsLite {
  /** Milliseconds until the call fails with DEADLINE_EXCEEDED (mapped to Unavailable). Default 5000. */
  deadlineMs?: number;
  /** The parent of this call's span, when not the active span (the work in progress). */
  traceparent?: string;
  metadata?: Metadata;
  /** Wait (until the deadline) for the server to be reachable instead of failing at once with UNAVAILABLE. */
  waitForReady?: boolean;
}

/** Calls a unary method and resolves with its response, or rejects with the domain error the server raised. */
export function call<C extends Client, M extends UnaryMethodName<C>>(
  client: C,
  method: M,
  request: RequestOf<C, M>,
  options: CallOptionsLite = {},
): Promise<ResponseOf<C, M>> {
  const metadata = options.metadata?.clone() ?? new Metadata();
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const fn = client[method] as unknown as UnaryFn<RequestOf<C, M>, ResponseOf<C, M>>;
  if (typeof fn !== 'function') return Promise.reject(new Error(`client has no method "${method}"`));
  const path = (fn as { path?: string }).path ?? `/${method}`;
  const [, service = '', rpcMethod = method] = /^\/([^/]+)\/(.+)$/.exec(path) ?? [];
  // One span per attempt: a caller's retry shows as a second call, a failure as a failed one.
  const span = startSpan(rpcMethod, {
    kind: SpanKind.CLIENT,
    parent: options.traceparent,
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': service,
      'rpc.method': rpcMethod,
      'server.address': client.getChannel().getTarget(),
    },
  });
  metadata.set(TRACEPARENT_KEY, traceparentOf(span));
  return new Promise((resolve, reject) => {
    if (options.waitForReady) metadata.setOptions({ waitForReady: true });
    fn.call(client, request, metadata, { deadline }, (error, response) => {
      if (error) {
        endFailed(span, error, { 'rpc.grpc.status_code': error.code });
        reject(fromGrpcError(error));
      } else {
        span.setAttribute('rpc.grpc.status_code', 0);
        span.end();
        resolve(response);
      }
    });
  });
}
