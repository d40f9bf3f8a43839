// Follows each flow by its trace id and turns it into the arrows of a sequence diagram. The services report their
// own spans (span-diagram.ts): a flow with reported spans is drawn from them alone, every hop observed by the
// process that made it. Without them (tracing off) it is drawn from what the appliance sees itself: records
// appended to topics (traceparent header, producer in EventMeta), frames and HTTP calls of simulated clients, and
// signals pushed to them (cause meta); hops it cannot see then (a gRPC call to im-repo, a PushToUsers from
// im-task) are drawn from the seed flows when the event that follows them is seen, and marked inferred, so the
// diagram never claims more than was observed. Simulated clients' frames also join a client's trace to the one its
// request turned into.
import type { BrokerRecord, LogLine, ReportedSpan } from '../ports';
import { BoundedMap } from '../../../lib/bounded-map';
import { decodeRecord } from '../topics/record-decoder';
import {
  CONSUMER_OF,
  GATEWAY_RPC_OF,
  inferredCallsBefore,
  participantOfProducer,
  REPO_CALL_OF_TASK,
} from './flow-knowledge';
import { arrowsFromSpans, titleOfSpans } from './span-diagram';
import type { FlowHop, FlowSpan, FlowTrace } from '../contract';
export type { FlowHop, FlowSpan, FlowTrace };

export interface ClientFrameEvent {
  direction: 'out' | 'in';
  /** "ws" frame or "http" request made by a simulated client. */
  channel: 'ws' | 'http';
  username: string;
  gatewayId: string;
  traceId: string | null;
  atMs: number;
  label: string;
  /** For send frames and acks/messages: ties a flow together when the gateway starts a new trace. */
  clientMsgId?: string;
  /** For a signal: the event that caused it. */
  causeEventType?: string;
  signalType?: string;
  /**
   * The event this request should cause, for gateways that do not carry the client's traceparent on every path:
   * the first such record whose value has these fields joins the request's flow.
   */
  expects?: { eventType: string; fields: Record<string, string> };
}

interface Expectation {
  eventType: string;
  fields: Record<string, string>;
  traceId: string;
  atMs: number;
}

const EXPECTATION_TTL_MS = 15_000;

const MAX_TRACES = 300;
const MAX_SPANS = 300;
/**
 * Message ids remembered for "jump to its flow", and client message ids and trace aliases (a few per kept trace):
 * every message.upstream record brings one, so without a bound a console left open under load would grow forever.
 */
const MAX_MESSAGE_IDS = 3000;

export interface FlowTrackerOptions {
  /** A client's name for its user id (simulated clients), so arrows say "client:alice" rather than an id. */
  nameOfUser?: (userId: string) => string | undefined;
  /** A flow got reported spans: its diagram changed. */
  onReported?: (traceId: string) => void;
}

export class FlowTracker {
  // the oldest trace goes when a new one takes it past MAX_TRACES, and its reported spans with it
  private readonly traces = new BoundedMap<string, FlowTrace>(MAX_TRACES, (oldest) => this.reported.delete(oldest));
  private readonly reported = new Map<string, ReportedSpan[]>();
  private readonly traceOfClientMsg = new BoundedMap<string, string>(MAX_MESSAGE_IDS);
  private readonly traceOfMessage = new BoundedMap<string, string>(MAX_MESSAGE_IDS);
  private readonly aliases = new BoundedMap<string, string>(MAX_MESSAGE_IDS);
  private expectations: Expectation[] = [];

  constructor(
    private readonly onSpan: (span: FlowSpan) => void,
    private readonly options: FlowTrackerOptions = {},
  ) {}

  list(): Omit<FlowTrace, 'spans'>[] {
    return [...this.traces.values()]
      .map((trace) => {
        const { spans, ...rest } = this.drawn(trace);
        return { ...rest, spanCount: spans.length };
      })
      .sort((a, b) => b.lastAtMs - a.lastAtMs);
  }

  get(traceId: string): FlowTrace | undefined {
    const trace = this.traces.get(this.aliases.get(traceId) ?? traceId);
    return trace && this.drawn(trace);
  }

  /** The flow a stored message (its message id, or its sender's client message id) belongs to. */
  traceOfMessageId(messageId: string): string | undefined {
    const traceId = this.traceOfMessage.get(messageId) ?? this.traceOfClientMsg.get(messageId);
    return traceId && (this.aliases.get(traceId) ?? traceId);
  }

  /** One reported span of a flow and the spans around it, for the console's hop details. */
  hop(traceId: string, spanId: string): FlowHop | undefined {
    const spans = this.reported.get(this.aliases.get(traceId) ?? traceId) ?? [];
    const span = spans.find((s) => s.spanId === spanId);
    if (!span) return undefined;
    const related = spans.filter((s) => s.spanId === span.parentSpanId || s.parentSpanId === span.spanId);
    return { span, related };
  }

  /** The trace as drawn: from its reported spans when it has some (plus the warnings logged in it). */
  private drawn(trace: FlowTrace): FlowTrace {
    const reported = this.reported.get(trace.traceId);
    if (!reported || reported.length === 0) return trace;
    const arrows = arrowsFromSpans(reported, this.options.nameOfUser ?? (() => undefined), Date.now());
    const notes = trace.spans.filter((s) => s.kind === 'note');
    const all = [...arrows, ...notes].sort((a, b) => a.atMs - b.atMs);
    const participants: string[] = [];
    for (const a of all) for (const p of [a.from, a.to]) if (!participants.includes(p)) participants.push(p);
    const spans = all.map((a, seq) => ({ ...a, traceId: trace.traceId, seq }));
    return {
      ...trace,
      title: titleOfSpans(reported, arrows) ?? trace.title,
      startedAtMs: Math.min(trace.startedAtMs, spans[0]?.atMs ?? trace.startedAtMs),
      participants,
      spans,
    };
  }

  /** Spans a service reported; each joins its trace (or the one its id was merged into). */
  observeSpans(spans: ReportedSpan[]): void {
    const changed = new Set<string>();
    for (const span of spans) {
      const trace = this.trace(span.traceId, span.name, span.startMs);
      let list = this.reported.get(trace.traceId);
      if (!list) this.reported.set(trace.traceId, (list = []));
      if (list.length >= MAX_SPANS) continue;
      list.push(span);
      trace.lastAtMs = Math.max(trace.lastAtMs, span.startMs + span.durationMs);
      changed.add(trace.traceId);
    }
    for (const traceId of changed) this.options.onReported?.(traceId);
  }

  private trace(traceId: string, title: string, atMs: number): FlowTrace {
    const id = this.aliases.get(traceId) ?? traceId;
    let trace = this.traces.get(id);
    if (!trace) {
      trace = { traceId: id, title, startedAtMs: atMs, lastAtMs: atMs, participants: [], spans: [] };
      this.traces.set(id, trace);
    }
    return trace;
  }

  private add(trace: FlowTrace, span: Omit<FlowSpan, 'traceId' | 'seq'>): void {
    if (trace.spans.length >= MAX_SPANS) return;
    for (const p of [span.from, span.to]) if (!trace.participants.includes(p)) trace.participants.push(p);
    const full: FlowSpan = { ...span, traceId: trace.traceId, seq: trace.spans.length };
    trace.spans.push(full);
    trace.lastAtMs = Math.max(trace.lastAtMs, span.atMs);
    this.onSpan(full);
  }

  private has(trace: FlowTrace, from: string, to: string, label?: string): boolean {
    return trace.spans.some((s) => s.from === from && s.to === to && (label === undefined || s.label === label));
  }

  observeRecord(record: BrokerRecord): void {
    const decoded = decodeRecord(record);
    if (!decoded.traceId) return;
    const value = (decoded.value ?? {}) as {
      meta?: { producer?: string };
      clientMsgId?: string;
      senderId?: string;
      message?: { messageId?: string };
    };
    const eventType = decoded.eventType ?? decoded.messageType ?? 'record';
    if (value.message?.messageId && !this.traceOfMessage.has(value.message.messageId))
      this.traceOfMessage.set(value.message.messageId, decoded.traceId);
    if (eventType === 'message.upstream' && value.clientMsgId) this.joinClientTrace(value.clientMsgId, decoded.traceId);
    this.meetExpectation(eventType, decoded.value, decoded.traceId, record.timestampMs);
    const trace = this.trace(decoded.traceId, eventType, record.timestampMs);
    const producer = participantOfProducer(value.meta?.producer ?? '');
    // A client's HTTP request reached im-logic through its gateway: draw that call, which no record shows.
    const rpc = GATEWAY_RPC_OF[eventType];
    const request =
      rpc && producer === 'im-logic'
        ? trace.spans.find((s) => s.kind === 'http' && s.from.startsWith('client:'))
        : undefined;
    if (request && rpc && !this.has(trace, request.to, 'im-logic', rpc)) {
      this.add(trace, {
        atMs: record.timestampMs,
        from: request.to,
        to: 'im-logic',
        label: rpc,
        kind: 'grpc',
        inferred: true,
      });
    }
    const topic = `topic:${record.topic}`;
    // The producer consumed an earlier topic of this flow first: draw that delivery before its output.
    for (const [earlierTopic, consumer] of Object.entries(CONSUMER_OF)) {
      const earlier = `topic:${earlierTopic}`;
      if (consumer === producer && trace.participants.includes(earlier) && !this.has(trace, earlier, producer)) {
        this.add(trace, {
          atMs: record.timestampMs,
          from: earlier,
          to: producer,
          label: 'consume',
          kind: 'kafka',
          inferred: false,
        });
      }
    }
    for (const call of inferredCallsBefore(eventType, producer)) {
      if (!this.has(trace, call.from, call.to, call.label))
        this.add(trace, { ...call, atMs: record.timestampMs, kind: 'grpc', inferred: true });
    }
    this.add(trace, {
      atMs: record.timestampMs,
      from: producer,
      to: topic,
      label: `${eventType} p${record.partition}@${record.offset}`,
      kind: 'kafka',
      inferred: false,
      detail: decoded.key ?? undefined,
    });
  }

  /** A simulated client's send used its own trace id and the gateway started another: treat them as one flow. */
  private joinClientTrace(clientMsgId: string, recordTraceId: string): void {
    const clientTrace = this.traceOfClientMsg.get(clientMsgId);
    this.traceOfClientMsg.set(clientMsgId, recordTraceId);
    if (clientTrace) this.merge(clientTrace, recordTraceId);
  }

  private meetExpectation(eventType: string, value: unknown, recordTraceId: string, atMs: number): void {
    this.expectations = this.expectations.filter((e) => atMs - e.atMs < EXPECTATION_TTL_MS);
    const fields = (value ?? {}) as Record<string, unknown>;
    const met = this.expectations.find(
      (e) => e.eventType === eventType && Object.entries(e.fields).every(([k, v]) => fields[k] === v),
    );
    if (!met) return;
    this.expectations.splice(this.expectations.indexOf(met), 1);
    this.merge(met.traceId, recordTraceId);
  }

  /** Moves a client's spans into the trace its request turned into; later lookups of its id land there too. */
  private merge(clientTrace: string, recordTraceId: string): void {
    if (clientTrace === recordTraceId) return;
    const from = this.traces.get(clientTrace);
    this.aliases.set(clientTrace, recordTraceId);
    if (!from) return;
    this.traces.delete(clientTrace);
    const into = this.trace(recordTraceId, from.title, from.startedAtMs);
    for (const span of from.spans) this.add(into, { ...span });
    const reported = this.reported.get(clientTrace);
    this.reported.delete(clientTrace);
    if (reported) this.observeSpans(reported);
  }

  observeClientFrame(event: ClientFrameEvent): void {
    let traceId = event.traceId;
    if (event.expects && traceId) this.expectations.push({ ...event.expects, traceId, atMs: event.atMs });
    if (event.clientMsgId) {
      const known = this.traceOfClientMsg.get(event.clientMsgId);
      if (known) traceId = known;
      else if (traceId && event.direction === 'out') this.traceOfClientMsg.set(event.clientMsgId, traceId);
    }
    if (!traceId) return;
    const client = `client:${event.username}`;
    const gateway = `im-gateway/${event.gatewayId}`;
    const trace = this.trace(traceId, `${event.username}: ${event.label}`, event.atMs);
    if (event.direction === 'out') {
      this.add(trace, {
        atMs: event.atMs,
        from: client,
        to: gateway,
        label: event.label,
        kind: event.channel,
        inferred: false,
      });
      return;
    }
    const downstream = 'topic:gochat.messages.downstream';
    if (trace.participants.includes(downstream) && !event.signalType && !this.has(trace, downstream, gateway)) {
      this.add(trace, {
        atMs: event.atMs,
        from: downstream,
        to: gateway,
        label: 'consume',
        kind: 'kafka',
        inferred: false,
      });
    }
    if (event.signalType) {
      const causeTopic = trace.participants.find(
        (p) => p.startsWith('topic:') && CONSUMER_OF[p.slice(6)] === 'im-task',
      );
      if (causeTopic && !this.has(trace, causeTopic, 'im-task')) {
        this.add(trace, {
          atMs: event.atMs,
          from: causeTopic,
          to: 'im-task',
          label: 'consume',
          kind: 'kafka',
          inferred: true,
        });
      }
      const repoCall = event.causeEventType ? REPO_CALL_OF_TASK[event.causeEventType] : undefined;
      if (repoCall && !this.has(trace, 'im-task', 'im-repo', repoCall)) {
        this.add(trace, {
          atMs: event.atMs,
          from: 'im-task',
          to: 'im-repo',
          label: repoCall,
          kind: 'grpc',
          inferred: true,
        });
      }
      const push = `PushToUsers(${event.signalType})`;
      if (!this.has(trace, 'im-task', gateway, push)) {
        this.add(trace, { atMs: event.atMs, from: 'im-task', to: gateway, label: push, kind: 'grpc', inferred: true });
      }
    }
    this.add(trace, {
      atMs: event.atMs,
      from: gateway,
      to: client,
      label: event.label,
      kind: event.channel,
      inferred: false,
    });
  }

  /** Warnings and errors logged inside a flow are shown on it, where they happened. */
  observeLog(line: LogLine): void {
    if (!line.traceId || (line.level !== 'warn' && line.level !== 'error' && line.level !== 'fatal')) return;
    const trace = this.traces.get(this.aliases.get(line.traceId) ?? line.traceId);
    if (!trace) return;
    const service =
      line.service.startsWith('gw-') || line.service.startsWith('im-gateway')
        ? `im-gateway/${line.service.replace(/^im-gateway[-/]?/, '')}`
        : line.service.replace(/-\d+$/, '');
    this.add(trace, {
      atMs: line.timeMs,
      from: service,
      to: service,
      label: `${line.level}: ${line.msg}`,
      kind: 'note',
      inferred: false,
    });
  }
}
