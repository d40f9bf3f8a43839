// The Flows view's list of followed traces: a filter, "follow each new flow", background calls shown on request, and
// one button per flow; and how a span pushed live updates that list.
import { useState } from 'react';
import type { FlowSpan, FlowTraceSummary } from '../../api/types';
import { Empty, Time } from '../../components/common';

/** Calls between services that no client or record is part of (heartbeats, registrations): hidden unless asked. */
const isBackground = (t: FlowTraceSummary) =>
  !t.participants.some((p) => p.startsWith('client:') || p.startsWith('topic:'));

/** The list with a live span in it: a new flow goes on top (at most 300 kept), a known one moves up with it. */
export function withSpan(existing: FlowTraceSummary[], span: FlowSpan): FlowTraceSummary[] {
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
}

export function FlowList(props: {
  traces: FlowTraceSummary[];
  /** Hidden while a hop's panel takes its place. */
  hidden: boolean;
  isSelected: (t: FlowTraceSummary) => boolean;
  onChoose: (traceId: string) => void;
  followNewest: boolean;
  onFollowNewest: (on: boolean) => void;
}) {
  const { traces, hidden, isSelected, onChoose, followNewest, onFollowNewest } = props;
  const [filter, setFilter] = useState('');
  const [showBackground, setShowBackground] = useState(false);
  const background = traces.filter(isBackground).length;
  // the selected flow stays listed even when it is a background call or the filter would hide it
  const shown = traces.filter(
    (t) =>
      (showBackground || !isBackground(t) || isSelected(t)) &&
      (!filter || t.traceId.includes(filter) || t.title.toLowerCase().includes(filter.toLowerCase())),
  );
  return (
    <aside className="card topic-list" hidden={hidden}>
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
          onChange={(e) => onFollowNewest(e.target.checked)}
          data-action="follow-newest"
        />{' '}
        follow each new flow
      </label>
      <label className="small">
        <input
          type="checkbox"
          checked={showBackground}
          onChange={(e) => setShowBackground(e.target.checked)}
          data-action="show-background"
        />{' '}
        show {background} background calls (heartbeats, registrations)
      </label>
      {shown.length === 0 && (
        <Empty title="No flows yet">
          Run a seed flow in the Clients view (4), or send a message: each trace appears here live.
        </Empty>
      )}
      {shown.map((t) => (
        <button
          key={t.traceId}
          className={`topic-item ${isSelected(t) ? 'active' : ''}`}
          onClick={() => onChoose(t.traceId)}
          data-trace={t.traceId}
        >
          <span className="topic-name">{t.title}</span>
          <span className="muted small">
            <span className="mono">{t.traceId.slice(0, 8)}</span> · {t.spanCount} hops · <Time ms={t.lastAtMs} />
          </span>
        </button>
      ))}
    </aside>
  );
}
