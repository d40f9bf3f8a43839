// Flows: every trace the appliance followed, and the selected one drawn live as a sequence diagram.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { FlowTrace, FlowTraceSummary } from '../api/types';
import { Empty, ErrorBox, Time } from '../components/common';
import { SequenceDiagram } from '../components/SequenceDiagram';
import { useAsync, useLive } from '../hooks';

function traceFromHash(): string | null {
  return new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('trace');
}

export function FlowsView() {
  const list = useAsync(api.flows);
  const [traces, setTraces] = useState<FlowTraceSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(traceFromHash());
  const [trace, setTrace] = useState<FlowTrace | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  // For demos: jump to each new flow as it starts, so the room sees it drawn live.
  const [followNewest, setFollowNewest] = useState(false);

  // A fresh list replaces the one the live feed built up; set while rendering, so no render shows the stale one.
  const [listed, setListed] = useState(list.data);
  if (list.data !== listed) {
    setListed(list.data);
    if (list.data) setTraces(list.data.traces);
  }
  useEffect(() => {
    if (!selected) return;
    api.flow(selected).then(
      (t) => {
        setTrace(t);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [selected]);

  useLive((m) => {
    if (m.type !== 'span') return;
    const span = m.span;
    if (followNewest && span.seq === 0 && span.traceId !== selected) {
      setSelected(span.traceId);
      window.history.replaceState(null, '', `#/flows?trace=${span.traceId}`);
    }
    setTraces((existing) => {
      const found = existing.find((t) => t.traceId === span.traceId);
      if (!found) {
        return [
          {
            traceId: span.traceId,
            title: span.label,
            startedAtMs: span.atMs,
            lastAtMs: span.atMs,
            participants: [span.from, span.to],
            spanCount: 1,
          },
          ...existing,
        ].slice(0, 300);
      }
      const updated = { ...found, lastAtMs: span.atMs, spanCount: found.spanCount + 1 };
      return [updated, ...existing.filter((t) => t !== found)];
    });
    setTrace((current) => {
      if (!current || current.traceId !== span.traceId || current.spans.some((s) => s.seq === span.seq)) return current;
      const participants = [...current.participants];
      for (const p of [span.from, span.to]) if (!participants.includes(p)) participants.push(p);
      return { ...current, participants, spans: [...current.spans, span], lastAtMs: span.atMs };
    });
  });

  const choose = (traceId: string) => {
    setSelected(traceId);
    window.history.replaceState(null, '', `#/flows?trace=${traceId}`);
  };
  const shown = traces.filter(
    (t) => !filter || t.traceId.includes(filter) || t.title.toLowerCase().includes(filter.toLowerCase()),
  );

  return (
    <div className="view" data-testid="flows">
      <h1>Flows</h1>
      <ErrorBox error={list.error} />
      <div className="split">
        <aside className="card topic-list">
          <input
            data-search
            placeholder="filter by trace id or title"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <label className="small">
            <input
              type="checkbox"
              checked={followNewest}
              onChange={(e) => setFollowNewest(e.target.checked)}
              data-action="follow-newest"
            />{' '}
            follow each new flow
          </label>
          {shown.length === 0 && (
            <Empty title="No flows yet">
              Run a seed flow in the Clients view (4), or send a message: each trace appears here live.
            </Empty>
          )}
          {shown.map((t) => (
            <button
              key={t.traceId}
              className={`topic-item ${selected === t.traceId ? 'active' : ''}`}
              onClick={() => choose(t.traceId)}
              data-trace={t.traceId}
            >
              <span className="topic-name">{t.title}</span>
              <span className="muted small">
                <span className="mono">{t.traceId.slice(0, 8)}</span> · {t.spanCount} hops · <Time ms={t.lastAtMs} />
              </span>
            </button>
          ))}
        </aside>
        <section className="card diagram">
          <ErrorBox error={error} />
          {!trace && !error && (
            <Empty title="Pick a flow">
              Its hops are drawn as a sequence diagram and keep growing while the flow goes on.
            </Empty>
          )}
          {trace && (
            <>
              <header className="row">
                <h2>{trace.title}</h2>
                <span className="mono small">trace {trace.traceId}</span>
                <a
                  className="small"
                  href={`#/topics?topic=${encodeURIComponent(trace.participants.find((p) => p.startsWith('topic:'))?.slice(6) ?? 'gochat.messages.upstream')}&trace=${trace.traceId}`}
                  title="this flow's records in the Topics view"
                >
                  records
                </a>
              </header>
              <p className="muted small">
                Started <Time ms={trace.startedAtMs} />. Solid arrows were observed (records, client frames); dashed
                ones are inferred from the seed flow.
              </p>
              <div className="diagram-scroll">
                <SequenceDiagram participants={trace.participants} spans={trace.spans} />
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
