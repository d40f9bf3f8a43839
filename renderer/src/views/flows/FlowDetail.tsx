// One flow: its title and trace, export buttons, and the sequence diagram and the waterfall (either or both); a
// click on a hop in either selects it (the Flows view shows its panel in place of the flow list, so the diagram
// keeps its width).
import { useState } from 'react';
import type { FlowSpan, FlowTrace } from '../../api/types';
import { Time } from '../../components/common';
import { hopState } from '../../components/flow-hops';
import { SequenceDiagram } from '../../components/SequenceDiagram';
import { Waterfall } from '../../components/Waterfall';
import { FlowExport } from './FlowExport';

type Layout = 'diagram' | 'waterfall' | 'both';

function Summary({ spans }: { spans: FlowSpan[] }) {
  const counts = { observed: 0, failed: 0, inferred: 0, missing: 0 };
  let retries = 0;
  for (const span of spans) {
    if (span.kind === 'note') continue;
    counts[hopState(span)] += 1;
    if (span.attempt) retries += 1;
  }
  return (
    <p className="small flow-summary" data-testid="flow-summary">
      <span className="legend observed">{counts.observed} observed</span>
      {counts.failed > 0 && <span className="legend failed">{counts.failed} failed</span>}
      {retries > 0 && <span className="legend failed">{retries} retried</span>}
      {counts.missing > 0 && (
        <span className="legend missing" data-testid="missing-summary">
          {counts.missing} missing: expected by the seed flows, not reported
        </span>
      )}
      {counts.inferred > 0 && <span className="legend inferred">{counts.inferred} inferred</span>}
    </p>
  );
}

export function FlowDetail({
  trace,
  selectedSeq,
  onSelect,
}: {
  trace: FlowTrace;
  selectedSeq: number | null;
  onSelect: (span: FlowSpan) => void;
}) {
  const [layout, setLayout] = useState<Layout>('diagram');
  const firstTopic = trace.participants.find((p) => p.startsWith('topic:'))?.slice(6) ?? 'gochat.messages.upstream';
  return (
    <div className="flow-detail">
      <header className="row">
        <h2>{trace.title}</h2>
        <span className="mono small">trace {trace.traceId}</span>
        <a
          className="small"
          href={`#/topics?topic=${encodeURIComponent(firstTopic)}&trace=${trace.traceId}`}
          title="this flow's records in the Topics view"
        >
          records
        </a>
        <FlowExport traceId={trace.traceId} />
        <span className="segmented small" role="group" aria-label="layout">
          {(['diagram', 'waterfall', 'both'] as const).map((l) => (
            <button key={l} className={layout === l ? 'active' : ''} onClick={() => setLayout(l)} data-layout={l}>
              {l}
            </button>
          ))}
        </span>
      </header>
      <p className="muted small">
        Started <Time ms={trace.startedAtMs} />. Solid arrows were observed, with their duration; red ones failed (their
        status beside them); a dashed arrow marked missing was expected by the seed flows and nobody reported it; other
        dashed ones are inferred. Click an arrow or a bar for its details.
      </p>
      <Summary spans={trace.spans} />
      <div className="flow-drawings">
        {layout !== 'waterfall' && (
          <div className="diagram-scroll">
            <SequenceDiagram
              participants={trace.participants}
              spans={trace.spans}
              selected={selectedSeq}
              onSelect={onSelect}
            />
          </div>
        )}
        {layout !== 'diagram' && (
          <div className="diagram-scroll">
            <Waterfall spans={trace.spans} selected={selectedSeq} onSelect={onSelect} />
          </div>
        )}
      </div>
    </div>
  );
}
