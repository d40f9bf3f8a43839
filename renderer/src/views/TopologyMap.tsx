// The Overview's map: processes, topics and stores, with live records/s on the edges that carry Kafka traffic and
// the consumer lag on the edges into the processes that read a topic (records stored, not yet handled).
import type { ServiceStatus } from '../api/types';

interface Node {
  id: string;
  label: string;
  x: number;
  y: number;
  kind: 'service' | 'topic' | 'store' | 'client';
}

const TOPICS = [
  ['gochat.messages.upstream', 'upstream'],
  ['gochat.user-events', 'user-events'],
  ['gochat.messages.downstream', 'downstream'],
  ['gochat.messages.persist', 'persist'],
  ['gochat.message-events', 'message-events'],
  ['gochat.notifications', 'notifications'],
] as const;

const NODES: Node[] = [
  { id: 'clients', label: 'clients', x: 50, y: 170, kind: 'client' },
  { id: 'im-gateway', label: 'im-gateway', x: 175, y: 170, kind: 'service' },
  ...TOPICS.map(([id, label], i) => ({ id, label, x: 360, y: 40 + i * 52, kind: 'topic' as const })),
  { id: 'im-logic', label: 'im-logic', x: 545, y: 95, kind: 'service' },
  { id: 'im-task', label: 'im-task', x: 545, y: 250, kind: 'service' },
  { id: 'im-repo', label: 'im-repo', x: 700, y: 170, kind: 'service' },
  { id: 'redis', label: 'redis', x: 830, y: 120, kind: 'store' },
  { id: 'sqlite', label: 'sqlite', x: 830, y: 220, kind: 'store' },
];

function widthOf(node: Node): number {
  if (node.kind === 'topic') return 116;
  return node.id === 'im-gateway' ? 110 : 92;
}

/** [from, to, topic whose rate labels the edge] */
const EDGES: [string, string, string | null][] = [
  ['clients', 'im-gateway', null],
  ['im-gateway', 'gochat.messages.upstream', 'gochat.messages.upstream'],
  ['im-gateway', 'gochat.user-events', 'gochat.user-events'],
  ['gochat.messages.upstream', 'im-logic', 'gochat.messages.upstream'],
  ['im-logic', 'gochat.messages.downstream', 'gochat.messages.downstream'],
  ['im-logic', 'gochat.messages.persist', 'gochat.messages.persist'],
  ['im-logic', 'gochat.message-events', 'gochat.message-events'],
  ['im-logic', 'gochat.notifications', 'gochat.notifications'],
  ['gochat.messages.downstream', 'im-gateway', 'gochat.messages.downstream'],
  ['gochat.user-events', 'im-task', 'gochat.user-events'],
  ['gochat.messages.persist', 'im-task', 'gochat.messages.persist'],
  ['gochat.message-events', 'im-task', 'gochat.message-events'],
  ['gochat.notifications', 'im-task', 'gochat.notifications'],
  ['im-logic', 'im-repo', null],
  ['im-task', 'im-repo', null],
  ['im-task', 'im-gateway', null],
  ['im-repo', 'redis', null],
  ['im-repo', 'sqlite', null],
];

/** Which supervised entries a map node stands for (gateways may be several: gw-1, im-gateway-2, ...). */
export function servicesOfNode(id: string, services: ServiceStatus[]): ServiceStatus[] {
  const lower = (s: string) => s.toLowerCase();
  switch (id) {
    case 'im-gateway':
      return services.filter((s) => lower(s.name).includes('gateway') || /^gw-\d+/.test(s.name));
    case 'redis':
      return services.filter((s) => /redis|resp/.test(lower(s.name)));
    case 'kafka':
      return services.filter((s) => /kafka|broker/.test(lower(s.name)));
    default:
      return services.filter((s) => lower(s.name).startsWith(id));
  }
}

function tone(list: ServiceStatus[]): string {
  if (list.length === 0) return 'idle';
  if (list.every((s) => s.state === 'running' && s.health !== 'not_serving' && !s.paused)) return 'ok';
  if (list.some((s) => s.state === 'crashed' || s.state === 'stopped')) return 'bad';
  return 'warn';
}

/** The largest chaos consumer latency in effect among a node's processes (0: none). */
function slowest(list: ServiceStatus[]): number {
  return Math.max(0, ...list.map((s) => s.consumerLatencyMs ?? 0));
}

export function TopologyMap({
  services,
  rates,
  lag,
  kafkaUp,
  inFlight,
}: {
  services: ServiceStatus[];
  rates: Record<string, number>;
  /** Lag per edge, keyed "topic>node". */
  lag: Record<string, number>;
  kafkaUp: string;
  /** Simulated clients' sends not yet acked or not yet delivered. */
  inFlight: number;
}) {
  const byId = new Map(NODES.map((n) => [n.id, n]));
  return (
    <svg viewBox="0 0 900 340" className="topology" role="img" aria-label="map of processes, topics and stores">
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      <rect x="290" y="12" width="140" height="320" rx="10" className={`kafka-box ${kafkaUp}`} />
      <text x="360" y="330" textAnchor="middle" className="map-caption">
        kafka
      </text>
      {EDGES.map(([from, to, topic]) => {
        const a = byId.get(from)!;
        const b = byId.get(to)!;
        const rate = topic ? (rates[topic] ?? 0) : 0;
        const waiting = topic && from === topic ? (lag[`${topic}>${to}`] ?? 0) : 0;
        // Leave and enter boxes at their left/right sides, so edges fan out instead of crossing the boxes.
        const dir = Math.sign(b.x - a.x) || 1;
        const x1 = a.x + (dir * widthOf(a)) / 2;
        const y1 = a.y;
        const x2 = b.x - (dir * widthOf(b)) / 2 - dir * 3;
        const y2 = b.y;
        return (
          <g
            key={`${from}-${to}`}
            className={`edge ${rate > 0 ? 'active' : ''} ${waiting > 0 ? 'lagging' : ''}`}
            data-edge={`${from}>${to}`}
            data-lag={topic && from === topic ? waiting : undefined}
          >
            <line x1={x1} y1={y1} x2={x2} y2={y2} markerEnd="url(#arrow)" />
            {rate > 0 && (
              <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 4} textAnchor="middle" className="rate">
                {rate}/s
              </text>
            )}
            {waiting > 0 && (
              <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 + 11} textAnchor="middle" className="lag-label">
                lag {waiting}
              </text>
            )}
          </g>
        );
      })}
      {NODES.map((node) => {
        const list = node.kind === 'service' || node.id === 'redis' ? servicesOfNode(node.id, services) : [];
        const state = node.kind === 'service' || node.id === 'redis' ? tone(list) : node.kind;
        const w = widthOf(node);
        return (
          <g key={node.id} className={`node ${node.kind} ${state}`} data-node={node.id}>
            <rect x={node.x - w / 2} y={node.y - 15} width={w} height={30} rx={node.kind === 'store' ? 15 : 6} />
            <text x={node.x} y={node.y + 4} textAnchor="middle">
              {node.label}
              {node.id === 'im-gateway' && list.length > 1 ? ` ×${list.length}` : ''}
            </text>
            {node.id === 'clients' && inFlight > 0 && (
              <text x={node.x} y={node.y + 28} textAnchor="middle" className="latency-label" data-in-flight={inFlight}>
                {inFlight} in flight
              </text>
            )}
            {slowest(list) > 0 && (
              <text x={node.x} y={node.y + 28} textAnchor="middle" className="latency-label">
                +{slowest(list)} ms/batch
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
