// The message browser of one topic: pages from oldest / newest / an offset / a time, filters by key, header and
// event type with visible scan progress, a live tail that can pause and resume without losing records (what
// arrives while paused is kept; what the server had to drop is fetched back by offset), decoded and raw views,
// NDJSON export, and produce / replay-edited.
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { api, live, type BrowseQuery } from '../api/client';
import type { DecodedRecord, RecordSummary, TopicInfo } from '../api/types';
import { Empty, ErrorBox, Time } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { ImportButton } from './ImportButton';
import { ProduceForm } from './ProduceForm';
import { RecordDetail } from './RecordDetail';

const SHOWN = 500;

interface TailStats {
  received: number;
  /** Per partition: lowest and highest offset received and how many. */
  partitions: Record<number, { first: number; last: number; count: number }>;
}

function missingOf(stats: TailStats): number {
  return Object.values(stats.partitions).reduce((sum, p) => sum + (p.last - p.first + 1 - p.count), 0);
}

function matchesTail(r: RecordSummary, key: string, eventType: string, header: string): boolean {
  if (key && !(r.key ?? '').includes(key)) return false;
  if (eventType && r.eventType !== eventType) return false;
  if (
    header.startsWith('traceparent=') &&
    !(r.traceId ?? '').includes(header.slice('traceparent='.length).split('-')[1] ?? header.slice(12))
  )
    return false;
  return true;
}

/** The event types published on this topic, or all of them for a topic the registry does not know. */
function eventTypesOf(
  topic: string,
  known: { eventTypes: Record<string, string>; topics: Record<string, string> } | null,
) {
  const all = Object.entries(known?.eventTypes ?? {});
  const here = all.filter(([type]) => known?.topics[type] === topic);
  return Object.fromEntries(here.length > 0 ? here : all);
}

export function RecordBrowser({ topic }: { topic: TopicInfo }) {
  // Opened from a flow (…&trace=<id>): every record of that trace on this topic, oldest first.
  const traceFromLink = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('trace');
  const [from, setFrom] = useState<BrowseQuery['from']>(traceFromLink ? 'oldest' : 'newest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [partition, setPartition] = useState<'all' | number>('all');
  const [key, setKey] = useState('');
  const [header, setHeader] = useState(traceFromLink ? `traceparent=${traceFromLink}` : '');
  const [eventType, setEventType] = useState('');
  const [rows, setRows] = useState<RecordSummary[]>([]);
  const [page, setPage] = useState<{ cursor: string; scanned: number; remaining: number; done: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // the first page is loading from the moment the browser opens (it is keyed by topic: one mount per topic)
  const [loading, setLoading] = useState(true);
  const [tailing, setTailing] = useState(false);
  const [subscribed, setSubscribed] = useState(false);
  const [paused, setPaused] = useState(false);
  const [selected, setSelected] = useState<RecordSummary | null>(null);
  const [replay, setReplay] = useState<DecodedRecord | null | undefined>(undefined);
  const [stats, setStats] = useState<TailStats>({ received: 0, partitions: {} });
  const heldRef = useRef<RecordSummary[]>([]);
  const [held, setHeld] = useState(0);
  const [importing, setImporting] = useState<string | null>(null);
  const eventTypes = useAsync(api.eventTypes);

  const query = (): BrowseQuery => ({
    from,
    offset: from === 'offset' ? Number(offset) : undefined,
    time: from === 'time' && time ? String(new Date(time).getTime()) : undefined,
    partition,
    key,
    header,
    eventType,
  });

  const exportNdjson = async (): Promise<void> => {
    try {
      const url = URL.createObjectURL(await api.exportRecords(topic.name, query()));
      const link = Object.assign(document.createElement('a'), { href: url, download: `${topic.name}.ndjson` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const fetchPage = (cursor?: string) => {
    api.browse(topic.name, { ...query(), limit: 100, cursor }).then(
      (result) => {
        setRows((existing) => (cursor ? [...existing, ...result.records] : result.records));
        setPage({
          cursor: result.cursor,
          scanned: (cursor ? (page?.scanned ?? 0) : 0) + result.scanned,
          remaining: result.remaining,
          done: result.done,
        });
        setLoading(false);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
  };

  const load = (cursor?: string) => {
    setLoading(true);
    setError(null);
    fetchPage(cursor);
  };

  // The first page on opening; later loads are the user's, with the filters as they are then.
  const fetchFirstPage = useEffectEvent(() => fetchPage());
  useEffect(() => fetchFirstPage(), []);

  useEffect(() => {
    if (!tailing) return;
    return live.subscribe('records', topic.name);
  }, [tailing, topic.name]);

  const accept = useCallback(
    (records: RecordSummary[]) => {
      const kept = records.filter(
        (r) => (partition === 'all' || r.partition === partition) && matchesTail(r, key, eventType, header),
      );
      if (kept.length === 0) return;
      setStats((s) => {
        const partitions = { ...s.partitions };
        for (const r of kept) {
          const p = partitions[r.partition];
          partitions[r.partition] = p
            ? { first: Math.min(p.first, r.offset), last: Math.max(p.last, r.offset), count: p.count + 1 }
            : { first: r.offset, last: r.offset, count: 1 };
        }
        return { received: s.received + kept.length, partitions };
      });
      setRows((existing) => [...existing, ...kept].slice(-SHOWN));
    },
    [partition, key, eventType, header],
  );

  // read by refill() between awaits, where the rendered value would be stale
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  const refill = async (p: number, fromOffset: number, toOffset: number): Promise<void> => {
    let next = fromOffset;
    while (next <= toOffset) {
      const result = await api
        .browse(topic.name, { from: 'offset', offset: next, partition: p, limit: Math.min(1000, toOffset - next + 1) })
        .catch((e: unknown) => {
          setError(`could not fetch records missed during a burst: ${e instanceof Error ? e.message : String(e)}`);
          return null;
        });
      if (!result || result.records.length === 0) return;
      const got = result.records.filter((r) => r.offset <= toOffset);
      if (pausedRef.current) {
        heldRef.current.push(...got);
        setHeld(heldRef.current.length);
      } else accept(got);
      next = got[got.length - 1]!.offset + 1;
    }
  };

  useLive((m) => {
    if (m.type === 'subscribed') setSubscribed(m.records.includes(topic.name));
    if (!tailing) return;
    if (m.type === 'records') {
      const mine = m.records.filter((r) => r.topic === topic.name);
      if (pausedRef.current) {
        heldRef.current.push(...mine);
        setHeld(heldRef.current.length);
      } else accept(mine);
    } else if (m.type === 'gap') {
      // The server dropped records while this console was congested: fetch exactly those back by offset.
      for (const range of m.ranges.filter((r) => r.topic === topic.name))
        void refill(range.partition, range.fromOffset, range.toOffset);
    }
  });

  const resume = () => {
    const pending = heldRef.current;
    heldRef.current = [];
    setHeld(0);
    setPaused(false);
    accept(pending);
  };

  const startTail = () => {
    setRows([]);
    setPage(null);
    setStats({ received: 0, partitions: {} });
    heldRef.current = [];
    setHeld(0);
    setPaused(false);
    setTailing(true);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (
        event.key !== ' ' ||
        !tailing ||
        (target && ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName))
      )
        return;
      event.preventDefault();
      if (pausedRef.current) resume();
      else setPaused(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const missing = missingOf(stats);
  const types = Object.keys(eventTypes.data?.eventTypes ?? {});

  return (
    <>
      <section className="card browser">
        <header className="row wrap">
          <h2>Messages</h2>
          <label>
            from{' '}
            <select
              value={from}
              onChange={(e) => setFrom(e.target.value as BrowseQuery['from'])}
              aria-label="start from"
            >
              <option value="newest">newest</option>
              <option value="oldest">oldest</option>
              <option value="offset">offset</option>
              <option value="time">time</option>
            </select>
          </label>
          {from === 'offset' && (
            <input
              className="narrow"
              value={offset}
              onChange={(e) => setOffset(e.target.value)}
              aria-label="offset"
              inputMode="numeric"
            />
          )}
          {from === 'time' && (
            <input
              type="datetime-local"
              step="1"
              value={time}
              onChange={(e) => setTime(e.target.value)}
              aria-label="time"
            />
          )}
          <select
            value={String(partition)}
            onChange={(e) => setPartition(e.target.value === 'all' ? 'all' : Number(e.target.value))}
            aria-label="partition"
          >
            <option value="all">all partitions</option>
            {topic.partitions.map((p) => (
              <option key={p.partition} value={p.partition}>
                partition {p.partition}
              </option>
            ))}
          </select>
          <input
            data-search
            placeholder="key contains"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-label="key filter"
          />
          <input
            placeholder="header name=value"
            value={header}
            onChange={(e) => setHeader(e.target.value)}
            aria-label="header filter"
          />
          <select value={eventType} onChange={(e) => setEventType(e.target.value)} aria-label="event type">
            <option value="">any event type</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <button
            className="primary"
            onClick={() => {
              setTailing(false);
              load();
            }}
            disabled={loading}
          >
            Search
          </button>
          {!tailing ? (
            <button onClick={startTail} data-action="tail">
              Live tail
            </button>
          ) : paused ? (
            <button onClick={resume} data-action="resume" className="primary">
              Resume{held ? ` (+${held})` : ''}
            </button>
          ) : (
            <button onClick={() => setPaused(true)} data-action="pause">
              Pause
            </button>
          )}
          {tailing && (
            <button onClick={() => setTailing(false)} data-action="stop-tail">
              Stop tail
            </button>
          )}
          <button onClick={() => void exportNdjson()} data-action="export">
            Export NDJSON
          </button>
          <ImportButton topic={topic.name} onError={setError} onProgress={setImporting} />
          <button onClick={() => setReplay(null)}>Produce…</button>
        </header>
        <ErrorBox error={error} onDismiss={() => setError(null)} />
        {importing && <p className="small ok-text">{importing}</p>}
        {tailing && (
          <p
            className="small tail-stats"
            data-testid="tail-stats"
            data-received={stats.received}
            data-missing={missing}
            data-held={held}
            data-paused={paused ? 'true' : 'false'}
            data-subscribed={subscribed ? 'true' : 'false'}
          >
            {paused ? 'Paused' : 'Tailing'}: {stats.received} records received
            {held ? `, ${held} held while paused` : ''}
            {missing ? `, ${missing} missing (fetching back)` : ', none missing'}. Showing the last{' '}
            {Math.min(rows.length, SHOWN)}.
          </p>
        )}
        {!tailing && page && (
          <p className="small muted" data-testid="scan-progress">
            scanned {page.scanned} records, {rows.length} match
            {page.done ? ', reached the end' : `, ${page.remaining} not yet scanned`}
          </p>
        )}
        {rows.length === 0 && !loading && !error && (
          <Empty title={tailing ? 'Waiting for new records…' : 'No records match'}>
            {tailing
              ? 'New records on this topic appear here as they are appended.'
              : 'Start from oldest, loosen the filters, or use the Clients view to make some traffic.'}
          </Empty>
        )}
        {rows.length > 0 && (
          <div className="table-scroll">
            <table className="grid records">
              <thead>
                <tr>
                  <th>time</th>
                  <th>p@offset</th>
                  <th>key</th>
                  <th>event type</th>
                  <th>trace</th>
                  <th>bytes</th>
                </tr>
              </thead>
              <tbody>
                {(tailing || from === 'newest' ? [...rows].reverse() : rows).map((r) => (
                  <tr
                    key={`${r.partition}-${r.offset}`}
                    className={selected?.partition === r.partition && selected.offset === r.offset ? 'selected' : ''}
                    onClick={() => setSelected(r)}
                    data-record={`${r.partition}@${r.offset}`}
                    data-event-type={r.eventType ?? ''}
                  >
                    <td>
                      <Time ms={r.timestampMs} />
                    </td>
                    <td className="num">
                      {r.partition}@{r.offset}
                    </td>
                    <td className="mono ellipsis">{r.key}</td>
                    <td>{r.eventType ?? <span className="muted">—</span>}</td>
                    <td className="mono small">
                      {r.traceId ? <a href={`#/flows?trace=${r.traceId}`}>{r.traceId.slice(0, 8)}</a> : '—'}
                    </td>
                    <td className="num">{r.size}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!tailing && page && !page.done && (
          <button onClick={() => load(page.cursor)} disabled={loading}>
            {loading ? 'Scanning…' : 'Load more'}
          </button>
        )}
      </section>
      {selected && <RecordDetail topic={topic.name} summary={selected} onReplay={(r) => setReplay(r)} />}
      {replay !== undefined && (
        <ProduceForm
          topic={topic}
          eventTypes={eventTypesOf(topic.name, eventTypes.data)}
          templates={eventTypes.data?.templates ?? {}}
          from={replay}
          onClose={() => setReplay(undefined)}
        />
      )}
    </>
  );
}
