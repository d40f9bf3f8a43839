// The side panel of one hop of a flow: what it was (method, status, duration, attempt), the span the process
// reported with the spans tied to it (the call and the serving of an RPC), and for a Kafka hop the record itself,
// decoded, with its topic, partition, offset and headers.
import { useCallback } from 'react';
import { api } from '../../api/client';
import type { DecodedRecord, FlowHop, FlowSpan } from '../../api/types';
import { absolute, ErrorBox } from '../../components/common';
import { hopState, isFailure, ms, recordOf, type RecordRef } from '../../components/flow-hops';
import { useAsync } from '../../hooks';

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="hop-facts">
      {rows.map(([name, value]) => (
        <div key={name} data-fact={name}>
          {/* Attribute names break after their dots, not inside a word. */}
          <dt>{name.replace(/\./g, '.\u200b')}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SpanFacts({ title, span }: { title: string; span: FlowHop['span'] }) {
  const rows: [string, React.ReactNode][] = [
    ['reported by', `${span.service} ${span.instance}`],
    ['span', `${span.name} (${span.kind})`],
    ['status', span.ok ? 'OK' : span.statusMessage || 'failed'],
    ['duration', ms(span.durationMs)],
    ...Object.entries(span.attributes).map(([k, v]): [string, React.ReactNode] => [k, String(v)]),
  ];
  return (
    <section data-testid="hop-span">
      <h4>{title}</h4>
      <Facts rows={rows} />
    </section>
  );
}

/** The record at a topic's partition and offset, or an error saying it is gone (retention, reset). */
async function recordAt(where: RecordRef): Promise<DecodedRecord> {
  const query = { from: 'offset' as const, offset: where.offset, partition: where.partition, limit: 1 };
  const result = await api.browse(where.topic, query);
  const found = result.records.find((r) => r.offset === where.offset && r.partition === where.partition);
  if (!found) throw new Error(`record ${where.topic} p${where.partition}@${where.offset} is no longer in the topic`);
  return found;
}

export function HopPanel({ traceId, span, onClose }: { traceId: string; span: FlowSpan; onClose: () => void }) {
  const spanId = span.spanId;
  const where = recordOf(span);
  const [topic, partition, offset] = [where?.topic, where?.partition, where?.offset];
  const hop = useAsync(useCallback(async () => (spanId ? api.flowHop(traceId, spanId) : null), [traceId, spanId]));
  const record = useAsync(
    useCallback(
      async () =>
        topic === undefined || partition === undefined || offset === undefined
          ? null
          : recordAt({ topic, partition, offset }),
      [topic, partition, offset],
    ),
  );

  // The served side of an RPC summarises what was asked and answered (lib/grpc/summary.ts, tracing on).
  const served = [hop.data?.span, ...(hop.data?.related ?? [])].find(
    (s) => s?.attributes['gochat.rpc.request'] !== undefined,
  );
  const exchange: [string, string][] = served
    ? [
        ['request', String(served.attributes['gochat.rpc.request'])],
        ['response', String(served.attributes['gochat.rpc.response'] ?? (served.ok ? '—' : 'none (failed)'))],
      ]
    : [];
  const state = hopState(span);
  const caller = hop.data?.related.find((s) => s.spanId === hop.data?.span.parentSpanId);
  const children = hop.data?.related.filter((s) => s.parentSpanId === hop.data?.span.spanId) ?? [];
  return (
    <aside className="card hop-panel" data-testid="hop-panel" data-state={state}>
      <header className="row">
        <h3>
          {span.from} → {span.to}
        </h3>
        <button className="link" onClick={onClose} aria-label="close hop details" data-action="close-hop">
          × flows
        </button>
      </header>
      <Facts
        rows={[
          ['hop', span.label],
          ['kind', span.kind],
          [
            'state',
            state === 'missing'
              ? 'missing: the seed flows expect this hop, no process reported it'
              : state === 'inferred'
                ? 'inferred from the seed flows (not observed)'
                : state,
          ],
          ['at', absolute(span.atMs)],
          ['duration', span.durationMs === undefined ? '—' : ms(span.durationMs)],
          ['status', span.status ?? '—'],
          ...(span.attempt ? [['attempt', `${span.attempt} (the same hop failed before)`] as [string, string]] : []),
          ...(span.detail ? [['detail', span.detail] as [string, string]] : []),
          ...exchange,
        ]}
      />
      {isFailure(span.status) && <p className="error small">This hop failed: {span.status}</p>}
      <ErrorBox error={hop.error} />
      {hop.loading && spanId && <p className="muted small">loading the reported span…</p>}
      {hop.data && <SpanFacts title="reported span" span={hop.data.span} />}
      {children.map((s) => (
        <SpanFacts key={s.spanId} title={s.kind === 'server' ? 'served by' : 'then'} span={s} />
      ))}
      {caller && <SpanFacts title="within" span={caller} />}
      {where && (
        <section data-testid="hop-record">
          <h4>
            record {where.topic} p{where.partition}@{where.offset}{' '}
            <a className="small" href={`#/topics?topic=${encodeURIComponent(where.topic)}&trace=${traceId}`}>
              in Topics
            </a>
          </h4>
          <ErrorBox error={record.error} />
          {record.loading && where && <p className="muted small">reading the record…</p>}
          {record.data && (
            <>
              <Facts
                rows={[
                  ['topic', record.data.topic],
                  ['partition', record.data.partition],
                  ['offset', record.data.offset],
                  ['key', record.data.key ?? '—'],
                  ['event type', record.data.eventType ?? record.data.messageType ?? '—'],
                  ...Object.entries(record.data.headers).map(([k, v]): [string, string] => [`header ${k}`, v]),
                ]}
              />
              {record.data.decodeError && <p className="error small">{record.data.decodeError}</p>}
              <pre className="json" data-testid="hop-payload">
                {JSON.stringify(record.data.value, null, 2)}
              </pre>
            </>
          )}
        </section>
      )}
    </aside>
  );
}
