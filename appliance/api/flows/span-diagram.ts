// Turns the spans the services reported for one trace into the arrows of its sequence diagram: every arrow is a
// hop the process that made it observed (an RPC served, a record produced or consumed, an offset committed, a
// WebSocket frame taken or pushed, an HTTP call answered), with its duration and status. A hop the seed flows
// expect but no process reported (a topic's consumer that never took the record) is added, marked missing.
import type { ReportedSpan } from '../ports';
import { CONSUMER_OF } from './flow-knowledge';
import type { DiagramArrow } from '../contract';
export type { DiagramArrow };

/** A topic's record unconsumed for this long after it was produced is drawn as a missing hop. */
const MISSING_AFTER_MS = 5000;

/** "im-gateway/gw-1" for a gateway (several run), else the service name. */
export function participantOfSpan(span: Pick<ReportedSpan, 'service' | 'instance'>): string {
  return span.service === 'im-gateway' ? `im-gateway/${span.instance}` : span.service;
}

/** The service an RPC goes to, from the package of its gRPC service ("gochat.repo.v1.X" -> im-repo). */
function serviceOfRpc(rpcService: string): string {
  const match = /^gochat\.([a-z]+)\./.exec(rpcService);
  if (!match) return rpcService || 'server?';
  return match[1] === 'gateway' ? 'im-gateway' : `im-${match[1]}`;
}

const attr = (span: ReportedSpan, key: string): string => {
  const value = span.attributes[key];
  return value === undefined ? '' : String(value);
};

function statusOf(span: ReportedSpan): string {
  if (span.ok) return 'OK';
  return span.statusMessage || 'failed';
}

export function arrowsFromSpans(
  spans: ReportedSpan[],
  nameOfUser: (userId: string) => string | undefined,
  nowMs: number,
): DiagramArrow[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  // Hops that start within the same instant (clocks of different processes, rounding) are ordered cause first.
  const depths = new Map<string, number>();
  const depthOf = (span: ReportedSpan): number => {
    let depth = 0;
    for (let at = byId.get(span.parentSpanId); at && depth < 64; at = byId.get(at.parentSpanId)) depth += 1;
    return depth;
  };
  for (const span of spans) depths.set(span.spanId, depthOf(span));
  const served = new Set(spans.filter((s) => s.kind === 'server').map((s) => s.parentSpanId));
  const client = (span: ReportedSpan): string => {
    const userId = attr(span, 'gochat.user_id');
    return `client:${userId ? (nameOfUser(userId) ?? userId.slice(0, 8)) : '?'}`;
  };
  const arrows: DiagramArrow[] = [];
  const timed = (span: ReportedSpan, arrow: Omit<DiagramArrow, 'durationMs' | 'status' | 'spanId' | 'inferred'>) =>
    arrows.push({
      ...arrow,
      inferred: false,
      durationMs: Math.round(span.durationMs * 1000) / 1000,
      status: statusOf(span),
      spanId: span.spanId,
    });
  for (const span of spans) {
    const me = participantOfSpan(span);
    const isRpc = attr(span, 'rpc.system') === 'grpc';
    const isKafka = attr(span, 'messaging.system') === 'kafka';
    const direction = attr(span, 'gochat.ws.direction');
    if (isRpc && span.kind === 'server') {
      const caller = byId.get(span.parentSpanId);
      const from = caller && caller.kind === 'client' ? participantOfSpan(caller) : 'caller?';
      // Drawn from the caller's span when there is one: its time includes the network, its status what it saw.
      const seen = caller && caller.kind === 'client' ? caller : span;
      const status = !span.ok ? statusOf(span) : statusOf(seen);
      timed(seen, {
        atMs: seen.startMs,
        from,
        to: me,
        label: span.name,
        kind: 'grpc',
        detail: attr(span, 'rpc.service'),
      });
      (arrows.at(-1) as DiagramArrow).status = status;
    } else if (isRpc && span.kind === 'client' && !served.has(span.spanId) && !span.ok) {
      // A call that never reached a server (unavailable, deadline): drawn to where it was going, as failed.
      timed(span, {
        atMs: span.startMs,
        from: me,
        to: serviceOfRpc(attr(span, 'rpc.service')),
        label: span.name,
        kind: 'grpc',
      });
    } else if (isKafka && span.kind === 'producer') {
      const where = `p${attr(span, 'messaging.destination.partition.id')}@${attr(span, 'messaging.kafka.offset')}`;
      const topic = attr(span, 'messaging.destination.name');
      const label = `${attr(span, 'gochat.event_type')} ${where}`;
      timed(span, { atMs: span.startMs, from: me, to: `topic:${topic}`, label, kind: 'kafka' });
    } else if (isKafka && span.kind === 'consumer') {
      const where = `p${attr(span, 'messaging.destination.partition.id')}@${attr(span, 'messaging.kafka.offset')}`;
      const topic = attr(span, 'messaging.destination.name');
      timed(span, { atMs: span.startMs, from: `topic:${topic}`, to: me, label: `consume ${where}`, kind: 'kafka' });
    } else if (isKafka && attr(span, 'messaging.operation.name') === 'commit') {
      const topic = attr(span, 'messaging.destination.name');
      const label = `commit offset ${attr(span, 'messaging.kafka.offset')}`;
      timed(span, { atMs: span.startMs, from: me, to: `topic:${topic}`, label, kind: 'kafka' });
    } else if (direction === 'in') {
      const label = attr(span, 'gochat.frame_type') || span.name;
      timed(span, { atMs: span.startMs, from: client(span), to: me, label, kind: 'ws' });
    } else if (direction === 'out') {
      const signal = attr(span, 'gochat.signal_type');
      const label = signal ? `signal ${signal}` : attr(span, 'gochat.frame_type');
      timed(span, { atMs: span.startMs, from: me, to: client(span), label, kind: 'ws' });
    } else if (span.kind === 'server' && attr(span, 'http.request.method')) {
      const status = attr(span, 'http.response.status_code');
      timed(span, { atMs: span.startMs, from: client(span), to: me, label: span.name, kind: 'http' });
      if (status) (arrows.at(-1) as DiagramArrow).status = span.ok ? `${status}` : `${status} ${span.statusMessage}`;
    }
  }
  arrows.push(...missingConsumes(arrows, nowMs));
  const depth = (a: DiagramArrow) => (a.spanId ? (depths.get(a.spanId) ?? 0) : 0);
  return markRetries(arrows.sort((a, b) => a.atMs - b.atMs || depth(a) - depth(b)));
}

/** A failed status: anything but OK and HTTP 2xx. */
export function isFailure(status: string | undefined): boolean {
  return status !== undefined && status !== 'OK' && !/^2\d\d$/.test(status);
}

/** The same hop (ends and label) made again after it failed is a retry: numbered, so it shows as such. */
function markRetries(arrows: DiagramArrow[]): DiagramArrow[] {
  const failedBefore = new Map<string, number>();
  for (const arrow of arrows) {
    if (arrow.kind === 'note' || arrow.missing) continue;
    const key = `${arrow.from}>${arrow.to}:${arrow.label}`;
    const attempts = failedBefore.get(key);
    if (attempts !== undefined) arrow.attempt = attempts + 1;
    if (isFailure(arrow.status)) failedBefore.set(key, arrow.attempt ?? 1);
    else failedBefore.delete(key);
  }
  return arrows;
}

/** Records of this flow on a topic whose consumer (per the seed flows) never reported taking them. */
function missingConsumes(arrows: DiagramArrow[], nowMs: number): DiagramArrow[] {
  const missing: DiagramArrow[] = [];
  for (const produced of arrows) {
    if (produced.kind !== 'kafka' || !produced.to.startsWith('topic:') || produced.label.startsWith('commit')) continue;
    const consumer = CONSUMER_OF[produced.to.slice('topic:'.length)];
    if (!consumer || nowMs - produced.atMs < MISSING_AFTER_MS) continue;
    if (arrows.some((a) => a.from === produced.to && a.to === consumer)) continue;
    missing.push({
      atMs: produced.atMs + 0.001,
      from: produced.to,
      to: consumer,
      label: 'consume (missing)',
      kind: 'kafka',
      inferred: true,
      missing: true,
    });
  }
  return missing;
}

/** What started a flow: its first span without a parent in the trace, as "alice: send" or "GET /api/...". */
export function titleOfSpans(spans: ReportedSpan[], arrows: DiagramArrow[]): string | undefined {
  const ids = new Set(spans.map((s) => s.spanId));
  const root = spans.filter((s) => !ids.has(s.parentSpanId)).sort((a, b) => a.startMs - b.startMs)[0];
  if (!root) return undefined;
  const arrow = arrows.find((a) => a.spanId === root.spanId);
  if (arrow?.from.startsWith('client:')) return `${arrow.from.slice('client:'.length)}: ${arrow.label}`;
  return `${participantOfSpan(root)}: ${root.name}`;
}
