// Where the services' spans arrive: an OTLP/HTTP receiver (POST /v1/traces, JSON) on loopback, started before the
// services so each is told its URL (GOCHAT_OTLP_URL). It flattens each export into ReportedSpan values for the flow
// view; nothing is stored here.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportedSpan } from '../api/ports';

/** An export larger than this is refused (413): a batch is at most 512 spans of a few hundred bytes. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface RunningSpanCollector {
  /** The traces URL to give the services, "http://127.0.0.1:<port>/v1/traces". */
  url: string;
  close(): Promise<void>;
}

const KINDS: ReportedSpan['kind'][] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value?: OtlpValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpAttribute[];
  status?: { code?: number; message?: string };
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (!value) continue;
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

const nanosToMs = (nanos: string | number | undefined): number => Number(BigInt(nanos ?? 0) / 1000n) / 1000;

/** The spans of one OTLP/JSON export request; throws on a body that is not one. */
export function flattenExport(body: unknown): ReportedSpan[] {
  if (typeof body !== 'object' || body === null) throw new Error('an OTLP export must be a JSON object');
  const spans: ReportedSpan[] = [];
  for (const resourceSpans of (body as OtlpExport).resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    const instance = String(resource['service.instance.id'] ?? service);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        if (!span.traceId || !span.spanId) continue;
        const startMs = nanosToMs(span.startTimeUnixNano);
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name ?? '',
          kind: KINDS[span.kind ?? 0] ?? 'internal',
          service,
          instance,
          startMs,
          durationMs: Math.max(0, nanosToMs(span.endTimeUnixNano) - startMs),
          ok: span.status?.code !== 2,
          statusMessage: span.status?.message ?? '',
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
  return spans;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`export larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startSpanCollector(onSpans: (spans: ReportedSpan[]) => void): Promise<RunningSpanCollector> {
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/traces') {
      answer(404, { message: 'spans are accepted at POST /v1/traces (OTLP/HTTP, JSON)' });
      return;
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      answer(415, { message: 'only OTLP/JSON is accepted (content-type: application/json)' });
      return;
    }
    readBody(req).then(
      (bytes) => {
        let spans: ReportedSpan[];
        try {
          spans = flattenExport(JSON.parse(bytes.toString('utf8')));
        } catch (err) {
          answer(400, { message: `not an OTLP/JSON traces export: ${(err as Error).message}` });
          return;
        }
        answer(200, {});
        if (spans.length > 0) onSpans(spans);
      },
      (err: unknown) => answer(413, { message: (err as Error).message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
