// The trace of the work in progress (a gRPC call or a consumed record), kept across awaits, so that a service's
// outgoing gRPC calls carry it as "traceparent" metadata without every domain method passing it along.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

export function withTraceparent<T>(traceparent: string, work: () => Promise<T>): Promise<T> {
  return scope.run(traceparent, work);
}

/** Call options for lib's `call`: the current trace, when there is one. */
export function traceOptions(): { traceparent?: string } {
  const traceparent = scope.getStore();
  return traceparent === undefined ? {} : { traceparent };
}
