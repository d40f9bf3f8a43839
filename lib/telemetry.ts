// Spans each service process reports about its own work, with OpenTelemetry: one tracer provider per process, the
// W3C trace context carried in gRPC metadata, Kafka headers and WebSocket frames, and the active span kept across
// awaits by the async-hooks context manager (so domain code never passes a trace along; withTraceSync does the same
// for synchronous per-record work without a context per record). The shared layers (lib/grpc, lib/kafka, the
// gateway's WebSocket transport) make the spans; when GOCHAT_OTLP_URL is set (the supervisor sets it) they are
// exported in batches to it over OTLP/HTTP JSON, and to OTEL_EXPORTER_OTLP_ENDPOINT too when that is set.
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { newSpanId, newTraceId, parseTraceparent } from './trace';

export { SpanKind, SpanStatusCode, type Span };

// Registered once per process, at import: without it context.with() would not follow awaits and every span would
// start a new trace.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

// Until startTelemetry runs (unit tests, tools), spans are made but go nowhere: their ids still carry the trace.
let provider = new BasicTracerProvider();
let tracer = provider.getTracer('gochat');
// Whether spans go anywhere. When they do not (tracing off, the default), a span is only its ids: the trace context
// on the wire still links every hop (the console's flows are drawn from it), but nothing else is made per hop.
let recording = true;

export interface TelemetryOptions {
  /** "im-logic", "im-gateway", ... (service.name). */
  service: string;
  /** "im-logic", "gw-1", ... (service.instance.id); the flow view names a gateway by it. */
  instance: string;
  /** The supervisor's OTLP/HTTP traces URL (GOCHAT_OTLP_URL); no export to it when absent. */
  url?: string | undefined;
  /** An external collector's OTLP/HTTP base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://localhost:4318. */
  externalEndpoint?: string | undefined;
}

/** Makes this process's spans go where the options say; returns a flush-and-stop for shutdown. */
export function startTelemetry(options: TelemetryOptions): () => Promise<void> {
  const processors: SpanProcessor[] = [];
  // Short delay: the console draws a flow while the user watches; batches keep the cost per span low under load.
  const batch = { scheduledDelayMillis: 250, maxExportBatchSize: 512, maxQueueSize: 8192 };
  if (options.url) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }), batch));
  if (options.externalEndpoint) {
    const url = `${options.externalEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), batch));
  }
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.instance.id': options.instance }),
    spanProcessors: processors,
    // With nowhere to send them, spans are not recorded at all (a non-recording span costs next to nothing), but
    // each still gets its ids, so the traceparent on the wire goes on linking the hops.
    ...(processors.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
  });
  tracer = provider.getTracer('gochat');
  recording = processors.length > 0;
  const stopping = provider;
  return () => stopping.shutdown().catch(() => undefined);
}

/** The remote span a traceparent string names, or undefined when it is absent or not a valid one. */
function remoteSpanContext(traceparent: string | undefined | null): SpanContext | undefined {
  const parsed = parseTraceparent(traceparent);
  if (!parsed) return undefined;
  return {
    traceId: parsed.traceId,
    spanId: parsed.parentId,
    traceFlags: parseInt(parsed.flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}

// Synchronous work done for one record of a batch (the gateway handing one downstream record to its connections)
// needs the record's trace while it runs and nothing after: the trace is held in this variable for the call, so a
// record costs no context of its own. Work that awaits takes its trace through withActiveSpan instead.
let syncTraceparent: string | undefined;

/** The span work in progress belongs to: withTraceSync's trace, else the active span. */
function activeParent(): SpanContext | undefined {
  return syncTraceparent !== undefined ? remoteSpanContext(syncTraceparent) : trace.getActiveSpan()?.spanContext();
}

/** The parent of a new span: the wire's traceparent, else the work in progress unless a root is asked for. */
function parentOf(options: SpanOptions): SpanContext | undefined {
  return remoteSpanContext(options.parent) ?? (options.root ? undefined : activeParent());
}

/** The W3C traceparent of a span, to put on the wire (version 00; formatted here, it is on every hop). */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`;
}

/** The span of the work in progress, if any. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** Whether some work's span is active (a frame pushed outside any work is not worth a span). */
export function hasActiveSpan(): boolean {
  return syncTraceparent !== undefined || trace.getActiveSpan() !== undefined;
}

/** Whether spans are recorded and exported (tracing on); when not, a span is only ids and a hop's own span is moot. */
export function spansRecorded(): boolean {
  return recording;
}

/**
 * The traceparent of the work in progress, to show on the wire (a frame answering or delivering that work):
 * withTraceSync's, else the active span's; undefined outside any work.
 */
export function currentTraceparent(): string | undefined {
  if (syncTraceparent !== undefined) return syncTraceparent;
  const span = trace.getActiveSpan();
  return span ? traceparentOf(span) : undefined;
}

/**
 * Runs synchronous `work(arg)` as part of the trace `traceparent` names: spans it starts are children of it and
 * currentTraceparent() returns it. Nothing is kept for what the work leaves to run later (use withActiveSpan for
 * work that awaits); `arg` spares the caller a closure per call.
 */
export function withTraceSync<A, R>(traceparent: string, work: (arg: A) => R, arg: A): R {
  const outer = syncTraceparent;
  syncTraceparent = traceparent;
  try {
    return work(arg);
  } finally {
    syncTraceparent = outer;
  }
}

/** Adds what was learnt midway (say, the user a token belongs to) to the active span. */
export function noteOnActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

export interface SpanOptions {
  kind: SpanKind;
  /** The parent's traceparent (from the wire); the active span is the parent when absent or not valid. */
  parent?: string | undefined | null;
  /** Without a parent from the wire, start a new trace rather than continue the active span. */
  root?: boolean;
  attributes?: Attributes;
}

/** Starts a span, ended by the caller (end, or endFailed); withActiveSpan makes it the parent of nested work. */
export function startSpan(name: string, options: SpanOptions): Span {
  const parent = parentOf(options);
  if (!recording) {
    // Only ids: a non-recording span in the parent's trace (setAttributes, setStatus and end do nothing).
    return trace.wrapSpanContext({
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      traceFlags: parent?.traceFlags ?? TraceFlags.NONE,
    });
  }
  const attributes = options.attributes ?? {};
  // Sub-millisecond start (the SDK's default is Date.now()): hops a fraction of a millisecond apart stay in order.
  const startTime = performance.timeOrigin + performance.now();
  const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  return tracer.startSpan(name, { kind: options.kind, attributes, startTime }, parentContext);
}

/** Runs work with the span active, so the spans it makes (RPCs, records) are its children. */
export function withActiveSpan<T>(span: Span, work: () => T): T {
  return withContext(trace.setSpan(context.active(), span), work);
}

/** Runs work outside any trace: shared work done for several traces at once belongs to none of them. */
export function withoutActiveSpan<T>(work: () => T): T {
  return withContext(ROOT_CONTEXT, work);
}

/** Runs work in `ctx`; nested in withTraceSync's work, `ctx` is the closer one for as long as this work runs. */
function withContext<T>(ctx: Context, work: () => T): T {
  if (syncTraceparent === undefined) return context.with(ctx, work);
  const outer = syncTraceparent;
  syncTraceparent = undefined;
  try {
    return context.with(ctx, work);
  } finally {
    syncTraceparent = outer;
  }
}

/**
 * Runs work (which may await) as part of the trace `traceparent` names, for a handler given one event of a batch:
 * the RPCs and records it makes become children of that event's span. Costs a context per call, so it is for work
 * done one event at a time, not per record on the message path (there, withTraceSync or the batch's own span).
 */
export function withTraceparent<T>(traceparent: string, work: () => T): T {
  const parent = remoteSpanContext(traceparent);
  return parent ? withActiveSpan(trace.wrapSpanContext(parent), work) : work();
}

/** Ends a span as failed, with the error's message (and its code, when it has one) as the status. */
export function endFailed(span: Span, err: unknown, attributes: Attributes = {}): void {
  const message = err instanceof Error ? err.message : String(err);
  span.setAttributes(attributes);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}
