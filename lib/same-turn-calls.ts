// Calls to one RPC that callers make in the same turn of the event loop leave as one call. The partition lanes of a
// consumer each handle their records on their own, so a fetch that brought records for six partitions makes six
// calls at once; on a busy two-core machine a call costs far more in wake-ups and framing than its items cost the
// server to handle (bench/ab/grpc-wakeup.ts, docs/performance.md), and im-repo commits calls that arrive together in
// one transaction anyway. Nothing waits longer than the turn it was asked in.
// A merged call that fails, or whose answer cannot be split, is made again caller by caller, so a failure one
// caller's request causes stays that caller's. A call made for one caller alone is drawn in its trace; a merged one
// belongs to none (as a consumer batch's shared work does).
import { activeSpan, withActiveSpan, withoutActiveSpan, type Span } from './telemetry';

export interface SameTurnCallsOptions<Req, Res> {
  /** Makes one call. */
  send(request: Req): Promise<Res>;
  /** One request for the requests of several callers, in the order they asked. */
  merge(requests: Req[]): Req;
  /** Whether `next` may join a call that already carries `joined` (the server's limits per call). */
  fits(joined: readonly Req[], next: Req): boolean;
  /** Each caller's answer from the merged call's, in order; undefined when it cannot be told apart. */
  split(response: Res, requests: readonly Req[]): Res[] | undefined;
}

interface Caller<Req, Res> {
  request: Req;
  span: Span | undefined;
  resolve(response: Res): void;
  reject(err: unknown): void;
}

export class SameTurnCalls<Req, Res> {
  private waiting: Array<Caller<Req, Res>> = [];

  constructor(private readonly options: SameTurnCallsOptions<Req, Res>) {}

  call(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.waiting.push({ request, span: activeSpan(), resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    let joined: Array<Caller<Req, Res>> = [];
    for (const caller of waiting) {
      if (joined.length > 0 && !this.options.fits(requestsOf(joined), caller.request)) {
        this.send(joined);
        joined = [];
      }
      joined.push(caller);
    }
    if (joined.length > 0) this.send(joined);
  }

  private send(callers: Array<Caller<Req, Res>>): void {
    const only = callers.length === 1 ? callers[0] : undefined;
    if (only) {
      const made = () => this.options.send(only.request);
      (only.span ? withActiveSpan(only.span, made) : withoutActiveSpan(made)).then(only.resolve, only.reject);
      return;
    }
    const requests = requestsOf(callers);
    withoutActiveSpan(() => this.options.send(this.options.merge(requests))).then(
      (response) => {
        const answers = this.options.split(response, requests);
        if (answers === undefined || answers.length !== callers.length) this.alone(callers);
        else callers.forEach((caller, i) => caller.resolve(answers[i] as Res));
      },
      () => this.alone(callers),
    );
  }

  private alone(callers: Array<Caller<Req, Res>>): void {
    for (const caller of callers) this.send([caller]);
  }
}

function requestsOf<Req>(callers: ReadonlyArray<{ request: Req }>): Req[] {
  return callers.map((c) => c.request);
}
