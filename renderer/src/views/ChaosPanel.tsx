// The Overview's chaos side: the consumer-latency control and the events timeline, where kills, crashes, pauses,
// latency and handler retries appear as they happen, followed by each fault's recovery timed from the fault.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GroupInfo, ServiceStatus, TimelineEvent, TimelineKind } from '../api/types';
import { Badge, Empty, ErrorBox } from '../components/common';
import { useAction, useLive } from '../hooks';
import { groupsOfService } from './lag';

const SHOWN = 60;

const TONE: Record<TimelineKind, 'ok' | 'warn' | 'bad' | 'info'> = {
  kill: 'bad',
  crash: 'bad',
  stop: 'bad',
  pause: 'warn',
  latency: 'warn',
  retrying: 'warn',
  resume: 'info',
  healthy: 'ok',
  acks: 'ok',
  'caught-up': 'ok',
};

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function Timeline() {
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.timeline().then(
      (r) => setEvents((live) => merge(r.events, live)),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useLive((m) => {
    if (m.type === 'timeline') setEvents((list) => merge(list, [m.event]));
  });
  const newestFirst = [...events].reverse();
  return (
    <div className="timeline" data-testid="timeline">
      <h2>Events</h2>
      <ErrorBox error={error} />
      {events.length === 0 && !error && (
        <Empty title="Nothing has happened yet">
          Kills, crashes, pauses, consumer latency and handler retries appear here, each followed by how long recovery
          took.
        </Empty>
      )}
      <ol className="timeline-list">
        {newestFirst.map((e) => (
          <li key={e.id} data-event-kind={e.kind} data-service={e.service}>
            <span className="muted small num">{clock(e.atMs)}</span>
            <Badge tone={TONE[e.kind]}>{e.kind}</Badge>
            <span>
              <strong>{e.service}</strong> {e.text}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Events by id, later versions replacing earlier ones (a retry count going up), oldest first. */
function merge(list: TimelineEvent[], more: TimelineEvent[]): TimelineEvent[] {
  const byId = new Map(list.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id).slice(-SHOWN);
}

/** Sets or clears the delay a process's Kafka consumers wait before each batch. */
export function LatencyControl({ services, groups }: { services: ServiceStatus[]; groups: GroupInfo[] }) {
  const consumers = services.filter((s) => s.kind === 'service' && groupsOfService(s.name, groups).length > 0);
  const [target, setTarget] = useState('');
  const [ms, setMs] = useState('500');
  const action = useAction();
  const chosen = consumers.find((s) => s.name === target) ?? consumers[0];
  const value = Number(ms);
  const valid = Number.isInteger(value) && value > 0 && value <= 30_000;
  const slowed = services.filter((s) => s.consumerLatencyMs);
  return (
    <div className="latency-control" data-testid="latency-control">
      <span className="small" title="Each batch the chosen process's Kafka consumers handle waits this long first">
        Consumer latency
      </span>
      <select
        aria-label="latency target"
        value={chosen?.name ?? ''}
        onChange={(e) => setTarget(e.target.value)}
        disabled={consumers.length === 0}
      >
        {consumers.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      <input
        aria-label="latency ms"
        className="num"
        type="number"
        min={1}
        max={30000}
        step={100}
        value={ms}
        onChange={(e) => setMs(e.target.value)}
      />
      <span className="small muted">ms/batch</span>
      <button
        data-action="latency-set"
        disabled={!chosen || !valid || action.busy}
        onClick={() => chosen && action.run(() => api.consumerLatency(chosen.name, value))}
      >
        Set
      </button>
      <button
        data-action="latency-clear"
        disabled={!chosen?.consumerLatencyMs || action.busy}
        onClick={() => chosen && action.run(() => api.consumerLatency(chosen.name, 0))}
      >
        Clear
      </button>
      {slowed.length > 0 && (
        <span className="small" data-testid="latency-in-effect">
          in effect: {slowed.map((s) => `${s.name} +${s.consumerLatencyMs} ms`).join(', ')}
        </span>
      )}
      {!valid && <span className="small error-text">1 to 30000 ms</span>}
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}
