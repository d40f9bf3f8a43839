// A flow as a timeline: one bar per hop, placed at its offset from the flow's start and as long as it took, in the
// lane of the process that did the work, coloured by state (observed, failed, inferred, missing). A hop without a
// duration (seen by the appliance, not reported) is a tick. A click on a bar selects the hop.
import type { FlowSpan } from '../api/types';
import { hopFacts, hopState, laneOf, ms } from './flow-hops';

const LABEL = 250;
const ROW = 22;
const WIDTH = 900;

export function Waterfall({
  spans,
  selected,
  onSelect,
}: {
  spans: FlowSpan[];
  selected?: number | null;
  onSelect?: (span: FlowSpan) => void;
}) {
  const hops = spans.filter((s) => s.kind !== 'note');
  if (hops.length === 0) return null;
  const start = Math.min(...hops.map((s) => s.atMs));
  const end = Math.max(...hops.map((s) => s.atMs + (s.durationMs ?? 0)));
  const total = Math.max(1, end - start);
  const scale = (WIDTH - LABEL - 150) / total;
  const lanes = [...new Set(hops.map(laneOf))];
  const height = 28 + hops.length * ROW;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * total);
  return (
    <svg
      className="waterfall"
      viewBox={`0 0 ${WIDTH} ${height}`}
      style={{ width: '100%', minWidth: 720 }}
      role="img"
      aria-label="waterfall"
      data-testid="waterfall"
    >
      {ticks.map((t) => (
        <g key={t} className="tick">
          <line x1={LABEL + t * scale} y1={16} x2={LABEL + t * scale} y2={height} />
          <text x={LABEL + t * scale} y={11} textAnchor="middle">
            +{ms(t)}
          </text>
        </g>
      ))}
      {hops.map((span, i) => {
        const y = 22 + i * ROW;
        const lane = laneOf(span);
        const state = hopState(span);
        const x = LABEL + (span.atMs - start) * scale;
        const w = Math.max(2, (span.durationMs ?? 0) * scale);
        const facts = hopFacts(span);
        return (
          <g
            key={span.seq}
            className={`bar ${state} lane-${lanes.indexOf(lane) % 6} ${selected === span.seq ? 'selected' : ''}`}
            data-seq={span.seq}
            data-state={state}
            data-lane={lane}
            data-offset-ms={Math.round((span.atMs - start) * 1000) / 1000}
            data-duration-ms={span.durationMs}
            onClick={onSelect && (() => onSelect(span))}
            role={onSelect ? 'button' : undefined}
            tabIndex={onSelect ? 0 : undefined}
            onKeyDown={onSelect && ((e) => e.key === 'Enter' && onSelect(span))}
          >
            <title>{`${span.from} → ${span.to}: ${span.label}${facts ? ` (${facts})` : ''}`}</title>
            <rect className="row" x={0} y={y - 2} width={WIDTH} height={ROW} />
            <text x={4} y={y + 12} className="lane-name">
              {lane.replace(/^im-gateway\//, 'gateway ')}
            </text>
            <text x={96} y={y + 12} className="hop-name">
              {span.label.length > 26 ? `${span.label.slice(0, 25)}…` : span.label}
            </text>
            <rect className="span-bar" x={x} y={y + 2} width={w} height={ROW - 8} rx={2} />
            <text x={x + w + 4} y={y + 12} className="facts">
              {facts || 'no duration (seen, not reported)'}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
