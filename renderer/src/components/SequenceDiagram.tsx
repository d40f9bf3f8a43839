// A sequence diagram of one flow. Solid arrows were observed (reported by the process that made the hop, or seen by
// the appliance), with their duration; a failed one is drawn in the error colour with its status; dashed ones are
// inferred from the seed flows; a hop the seed flows expect but nobody reported is dashed and labelled missing. A
// click on an arrow selects it (the hop panel shows its details).
import type { FlowSpan } from '../api/types';
import { absolute } from './common';
import { hopFacts, hopState } from './flow-hops';

/** Lanes in the order a message travels, so most arrows are short and point right. */
const TOPIC_RANK: Record<string, number> = {
  'topic:gochat.messages.upstream': 2,
  'topic:gochat.user-events': 5,
  'topic:gochat.message-events': 5,
  'topic:gochat.notifications': 5,
  'topic:gochat.messages.persist': 6,
  'topic:gochat.messages.downstream': 6,
};

function rank(participant: string): number {
  if (participant.startsWith('client:')) return 0;
  if (participant.startsWith('im-gateway')) return 1;
  if (participant.startsWith('topic:')) return TOPIC_RANK[participant] ?? 6;
  if (participant === 'im-logic') return 3;
  if (participant === 'im-repo') return 4;
  if (participant === 'im-task') return 7;
  return 8;
}

export function orderParticipants(participants: string[]): string[] {
  return participants
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

function short(participant: string): string {
  return participant
    .replace(/^topic:gochat\.(messages\.)?/, '')
    .replace(/^client:/, '')
    .replace(/^im-gateway\//, 'gateway ');
}

const LANE = 110;
const ROW = 40;
const TOP = 56;

export function SequenceDiagram({
  participants,
  spans,
  selected,
  onSelect,
}: {
  participants: string[];
  spans: FlowSpan[];
  selected?: number | null;
  onSelect?: (span: FlowSpan) => void;
}) {
  const lanes = orderParticipants(participants);
  const x = (p: string) => 70 + lanes.indexOf(p) * LANE;
  const width = Math.max(400, 140 + (lanes.length - 1) * LANE);
  const height = TOP + spans.length * ROW + 30;
  const start = spans[0]?.atMs ?? 0;
  return (
    <svg
      className="sequence"
      viewBox={`0 0 ${width + 60} ${height}`}
      style={{ width: '100%', maxWidth: width + 60, minWidth: Math.min(width + 60, 720) }}
      role="img"
      aria-label="sequence diagram"
      data-testid="sequence-diagram"
    >
      <defs>
        <marker
          id="seq-arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      {lanes.map((p) => (
        <g
          key={p}
          className={`lane ${p.startsWith('topic:') ? 'topic' : p.startsWith('client:') ? 'client' : 'service'}`}
        >
          <rect x={x(p) - 50} y={8} width={100} height={28} rx={p.startsWith('topic:') ? 14 : 5} />
          <text x={x(p)} y={26} textAnchor="middle">
            {short(p)}
          </text>
          <line x1={x(p)} y1={36} x2={x(p)} y2={height - 8} className="lifeline" />
        </g>
      ))}
      {spans.map((span, i) => {
        const y = TOP + i * ROW + 10;
        const x1 = x(span.from);
        const x2 = x(span.to);
        const offset = Math.round(span.atMs - start);
        if (span.from === span.to) {
          return (
            <g key={span.seq} className={`span note ${span.kind}`}>
              <rect x={x1 + 6} y={y - 14} width={Math.min(360, 8 + span.label.length * 6.5)} height={20} rx={3} />
              <text x={x1 + 10} y={y}>
                {span.label}
              </text>
            </g>
          );
        }
        const state = hopState(span);
        const facts = hopFacts(span);
        return (
          <g
            key={span.seq}
            className={`span ${span.kind} ${state} ${span.inferred && state !== 'missing' ? 'inferred' : ''} ${selected === span.seq ? 'selected' : ''}`}
            data-span={`${span.from}>${span.to}`}
            data-state={state}
            data-seq={span.seq}
            data-attempt={span.attempt}
            onClick={onSelect && (() => onSelect(span))}
            role={onSelect ? 'button' : undefined}
            tabIndex={onSelect ? 0 : undefined}
            onKeyDown={onSelect && ((e) => e.key === 'Enter' && onSelect(span))}
          >
            <title>{`${absolute(span.atMs)}  ${span.from} → ${span.to}: ${span.label}${facts ? ` (${facts})` : ''}${span.detail ? `\n${span.detail}` : ''}`}</title>
            {/* An invisible band around the arrow and its text: easy to click. */}
            <rect x={Math.min(x1, x2)} y={y - 16} width={Math.abs(x2 - x1)} height={30} className="hit" />
            <line x1={x1} y1={y} x2={x2 + (x2 > x1 ? -3 : 3)} y2={y} markerEnd="url(#seq-arrow)" />
            <text x={(x1 + x2) / 2} y={y - 5} textAnchor="middle">
              {span.label}
            </text>
            {facts && (
              <text x={(x1 + x2) / 2} y={y + 13} textAnchor="middle" className="facts">
                {facts}
              </text>
            )}
            <text x={6} y={y + 4} className="offset-ms">
              +{offset}ms
            </text>
          </g>
        );
      })}
    </svg>
  );
}
