// The message browser of one topic: pages from oldest / newest / an offset / a time, filters by key, header and
// event type with visible scan progress (a mistyped filter is named at its field), a live tail that can pause and
// resume without losing records, the chosen record's details in a side panel, NDJSON export, and produce /
// replay-edited.
import { useEffect, useEffectEvent, useState } from 'react';
import { api } from '../api/client';
import type { DecodedRecord, RecordSummary, TopicInfo } from '../api/types';
import { Empty, ErrorBox } from '../components/common';
import { useAsync } from '../hooks';
import { ImportButton } from './ImportButton';
import { ProduceForm } from './ProduceForm';
import { RecordDetail } from './RecordDetail';
import { checkFilters, toQuery, type Filters } from './records/filters';
import { RecordFilters } from './records/RecordFilters';
import { RecordTable } from './records/RecordTable';
import { TailStatus } from './records/TailStatus';
import { usePages } from './records/usePages';
import { useTail } from './records/useTail';

/** The event types published on this topic, or all of them for a topic the registry does not know. */
function eventTypesOf(
  topic: string,
  known: { eventTypes: Record<string, string>; topics: Record<string, string> } | null,
) {
  const all = Object.entries(known?.eventTypes ?? {});
  const here = all.filter(([type]) => known?.topics[type] === topic);
  return Object.fromEntries(here.length > 0 ? here : all);
}

function initialFilters(): Filters {
  // Opened from a flow (…&trace=<id>): every record of that trace on this topic, oldest first.
  const trace = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('trace');
  return {
    from: trace ? 'oldest' : 'newest',
    offset: '0',
    time: '',
    partition: 'all',
    key: '',
    header: trace ? `traceparent=${trace}` : '',
    eventType: '',
  };
}

export function RecordBrowser({ topic }: { topic: TopicInfo }) {
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [rows, setRows] = useState<RecordSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<RecordSummary | null>(null);
  const [replay, setReplay] = useState<DecodedRecord | null | undefined>(undefined);
  const [importing, setImporting] = useState<string | null>(null);
  const eventTypes = useAsync(api.eventTypes);
  const check = checkFilters(filters);
  const valid = Object.keys(check.errors).length === 0;
  const pages = usePages(topic.name, setRows, setError);
  const tail = useTail(topic.name, filters, setRows, setError);

  const exportNdjson = async (): Promise<void> => {
    try {
      const url = URL.createObjectURL(await api.exportRecords(topic.name, toQuery(filters)));
      const link = Object.assign(document.createElement('a'), { href: url, download: `${topic.name}.ndjson` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  // The first page on opening; later loads are the user's, with the filters as they are then.
  const fetchFirstPage = useEffectEvent(() => pages.load(toQuery(filters)));
  useEffect(() => fetchFirstPage(), []);

  const ordered = tail.tailing || filters.from === 'newest' ? [...rows].reverse() : rows;
  return (
    <>
      <section className="card browser">
        <header className="row wrap">
          <h2>Messages</h2>
          <RecordFilters
            topic={topic}
            filters={filters}
            set={(change) => setFilters((f) => ({ ...f, ...change }))}
            check={check}
            types={Object.keys(eventTypes.data?.eventTypes ?? {})}
          />
          <button
            className="primary"
            onClick={() => {
              tail.stop();
              pages.load(toQuery(filters));
            }}
            disabled={pages.loading || !valid}
            title={valid ? undefined : 'correct the filter marked in red first'}
          >
            Search
          </button>
          {!tail.tailing ? (
            <button
              onClick={() => {
                pages.clear();
                tail.start();
              }}
              data-action="tail"
            >
              Live tail
            </button>
          ) : tail.paused ? (
            <button onClick={tail.resume} data-action="resume" className="primary">
              Resume{tail.held ? ` (+${tail.held})` : ''}
            </button>
          ) : (
            <button onClick={tail.pause} data-action="pause">
              Pause
            </button>
          )}
          {tail.tailing && (
            <button onClick={tail.stop} data-action="stop-tail">
              Stop tail
            </button>
          )}
          <button onClick={() => void exportNdjson()} data-action="export" disabled={!valid}>
            Export NDJSON
          </button>
          <ImportButton topic={topic.name} onError={setError} onProgress={setImporting} />
          <button onClick={() => setReplay(null)}>Produce…</button>
        </header>
        <ErrorBox error={error} onDismiss={() => setError(null)} />
        {importing && <p className="small ok-text">{importing}</p>}
        {tail.tailing && <TailStatus tail={tail} shown={rows.length} />}
        {!tail.tailing && pages.page && (
          <p className="small muted" data-testid="scan-progress">
            scanned {pages.page.scanned} records, {rows.length} match
            {pages.page.done ? ', reached the end' : `, ${pages.page.remaining} not yet scanned`}
          </p>
        )}
        {rows.length === 0 && !pages.loading && !error && (
          <Empty title={tail.tailing ? 'Waiting for new records…' : 'No records match'}>
            {tail.tailing
              ? 'New records on this topic appear here as they are appended.'
              : 'Start from oldest, loosen the filters, or use the Clients view to make some traffic.'}
          </Empty>
        )}
        <div className={`browser-body ${selected ? 'with-detail' : ''}`}>
          {rows.length > 0 && <RecordTable rows={ordered} selected={selected} onSelect={setSelected} />}
          {selected && (
            <RecordDetail
              topic={topic.name}
              summary={selected}
              onReplay={(r) => setReplay(r)}
              onClose={() => setSelected(null)}
            />
          )}
        </div>
        {!tail.tailing && pages.page && !pages.page.done && (
          <button onClick={() => pages.load(toQuery(filters), pages.page?.cursor)} disabled={pages.loading || !valid}>
            {pages.loading ? 'Scanning…' : 'Load more'}
          </button>
        )}
      </section>
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
