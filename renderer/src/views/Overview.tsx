// Overview: the map with live rates and consumer lag, the events timeline (faults and their recovery), every
// process with health / pid / port / uptime / restarts / lag and its controls (chaos included), and the logs of
// the selected process (level filter, search, live).
import { useEffect, useRef, useState } from 'react';
import { api, live } from '../api/client';
import type { GroupInfo, InfraSummary, LagSample, LogLevel, LogLine, ServiceStatus } from '../api/types';
import { Badge, duration, Empty, ErrorBox, Sparkline, Time } from '../components/common';
import { useAction, useLive, useNow } from '../hooks';
import { LatencyControl, Timeline } from './ChaosPanel';
import { groupsOfService, lagByEdge, lagTrend, totalLag, useGroupLag } from './lag';
import { InFlightBar } from './overview/InFlightBar';
import { useInFlight } from './overview/useInFlight';
import { servicesOfNode, TopologyMap } from './TopologyMap';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function stateTone(s: ServiceStatus): 'ok' | 'warn' | 'bad' | 'idle' {
  if (s.paused) return 'warn';
  if (s.state === 'running') return s.health === 'not_serving' ? 'warn' : 'ok';
  if (s.state === 'crashed') return 'bad';
  if (s.state === 'stopped') return 'idle';
  return 'warn';
}

/** A process's consumer lag now and its trend; a dash for processes that consume nothing. */
function LagCell({ service, groups, history }: { service: ServiceStatus; groups: GroupInfo[]; history: LagSample[] }) {
  const own = groupsOfService(service.name, groups);
  if (own.length === 0) return <td className="num muted">—</td>;
  const lag = totalLag(own);
  return (
    <td className="lag-cell" data-lag={lag}>
      <span className={`num ${lag > 0 ? 'lag warn' : 'lag'}`}>{lag}</span>
      <Sparkline
        values={lagTrend(
          history,
          own.map((g) => g.groupId),
        ).slice(-60)}
        width={48}
        height={18}
      />
    </td>
  );
}

function ServiceRow({
  service,
  selected,
  onSelect,
  groups,
  history,
}: {
  service: ServiceStatus;
  selected: boolean;
  onSelect: () => void;
  groups: GroupInfo[];
  history: LagSample[];
}) {
  const now = useNow();
  const action = useAction();
  const addresses = Object.entries(service.addresses);
  const infra = service.kind === 'infra';
  return (
    <tr className={selected ? 'selected' : ''} data-service={service.name} onClick={onSelect}>
      <td>
        <strong className="nowrap">{service.name}</strong> <span className="muted small">{service.kind}</span>
      </td>
      <td title={`health: ${service.health}`}>
        <Badge tone={stateTone(service)}>{service.paused ? 'paused' : service.state}</Badge>{' '}
        {/* "running" already says serving; only a different answer is worth the room */}
        {service.state === 'running' && service.health !== 'serving' && (
          <span className="muted small">health: {service.health}</span>
        )}
        {service.consumerLatencyMs ? (
          <>
            {' '}
            <Badge tone="warn">+{service.consumerLatencyMs} ms/batch</Badge>
          </>
        ) : null}
      </td>
      <td className="num">{service.pid ?? '—'}</td>
      <td className="small">
        {addresses.length ? addresses.map(([k, v]) => `${k} ${v}`).join(', ') : (service.port ?? '—')}
      </td>
      <td className="num nowrap">
        {service.startedAtMs && service.state === 'running' ? duration(now - service.startedAtMs) : '—'}
      </td>
      <td className="num">{service.restarts}</td>
      <LagCell service={service} groups={groups} history={history} />
      <td
        className="actions"
        onClick={(e) => e.stopPropagation()}
        title={infra ? 'Infrastructure runs for the whole appliance; `gochat down` stops it.' : undefined}
      >
        <button
          disabled={infra || action.busy || service.state !== 'running'}
          onClick={() => action.run(() => api.serviceAction(service.name, 'stop'))}
          data-action="stop"
        >
          Stop
        </button>
        <button
          disabled={infra || action.busy || service.state === 'running' || service.state === 'starting'}
          onClick={() => action.run(() => api.serviceAction(service.name, 'start'))}
          data-action="start"
        >
          Start
        </button>
        <button
          disabled={infra || action.busy}
          onClick={() => action.run(() => api.serviceAction(service.name, 'restart'))}
          data-action="restart"
        >
          Restart
        </button>
        <span className="chaos" title="Chaos: kill -9 (restarted as after a crash), or freeze / thaw the process">
          <button
            disabled={action.busy || service.state !== 'running'}
            onClick={() => action.run(() => api.chaos(service.name, 'kill'))}
            data-action="chaos-kill"
          >
            Kill
          </button>
          <button
            disabled={action.busy || service.state !== 'running'}
            onClick={() => action.run(() => api.chaos(service.name, service.paused ? 'resume' : 'pause'))}
            data-action={service.paused ? 'chaos-resume' : 'chaos-pause'}
          >
            {service.paused ? 'Resume' : 'Pause'}
          </button>
        </span>
        <ErrorBox error={action.error} onDismiss={action.clear} />
      </td>
    </tr>
  );
}

function LogsPanel({ service }: { service: string }) {
  const [level, setLevel] = useState<LogLevel>('info');
  const [search, setSearch] = useState('');
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);

  useEffect(() => {
    let cancelled = false;
    api.logs(service, level, search).then(
      (r) => !cancelled && (setLines(r.lines), setError(null)),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [service, level, search]);
  useEffect(() => live.subscribe('logs', service), [service]);
  useLive((m) => {
    if (m.type !== 'log' || m.line.service !== service) return;
    if (LEVELS.indexOf(m.line.level) < LEVELS.indexOf(level)) return;
    if (search && !m.line.raw.toLowerCase().includes(search.toLowerCase())) return;
    setLines((list) => [...list.slice(-1999), m.line]);
  });
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    // Scroll the log box itself: scrolling an element into view would move the whole page.
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);

  return (
    <section className="card logs">
      <header className="row">
        <h2>Logs · {service}</h2>
        <select value={level} onChange={(e) => setLevel(e.target.value as LogLevel)} aria-label="minimum level">
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}+
            </option>
          ))}
        </select>
        <input data-search placeholder="search logs (/)" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="small">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
      </header>
      <ErrorBox error={error} />
      <div className="log-lines" role="log" ref={box}>
        {lines.length === 0 && !error && (
          <Empty title="No log lines match">
            Lower the level filter or clear the search; new lines appear here as they are written.
          </Empty>
        )}
        {lines.map((line, i) => (
          <div key={i} className={`log-line ${line.level}`}>
            <span className="log-time">
              <Time ms={line.timeMs} />
            </span>
            <span className={`lvl ${line.level}`}>{line.level}</span>
            <span className="log-msg" title={line.raw}>
              {line.msg}
            </span>
          </div>
        ))}
      </div>
    </section>
  );
}

/** Which infrastructure runs (external, containers or embedded) and why the supervisor chose it. */
function InfraLine() {
  const [infra, setInfra] = useState<InfraSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.info().then(
      (info) => setInfra(info.infra),
      (e: unknown) => setError(`infrastructure unknown: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!infra) return null;
  return (
    <div className="infra-line" data-testid="infra">
      <span>
        Infrastructure <Badge tone="info">{infra.kind}</Badge> <span className="muted">{infra.reason}</span>
      </span>
      <span className="muted small">
        {infra.components.map((c) => (
          <span key={c.name} className="infra-component" title={c.address}>
            {c.name}: {c.description}
          </span>
        ))}
      </span>
    </div>
  );
}

export function OverviewView({ services }: { services: ServiceStatus[] }) {
  const [rates, setRates] = useState<Record<string, number>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const { groups, history } = useGroupLag();
  const inFlight = useInFlight();
  useLive((m) => {
    if (m.type === 'rates') setRates(m.rates);
  });
  const current = selected ?? services.find((s) => s.kind === 'service')?.name ?? services[0]?.name ?? null;
  const kafka = servicesOfNode('kafka', services);
  const kafkaTone = kafka.length === 0 ? 'idle' : kafka.every((s) => s.state === 'running') ? 'ok' : 'bad';
  return (
    <div className="view" data-testid="overview">
      <h1>Overview</h1>
      <div className="overview-top">
        <section className="card">
          <InfraLine />
          <TopologyMap
            services={services}
            rates={rates}
            lag={lagByEdge(groups)}
            kafkaUp={kafkaTone}
            inFlight={inFlight.known ? inFlight.sending + inFlight.undelivered : 0}
          />
          <InFlightBar inFlight={inFlight} groups={groups} rates={rates} />
        </section>
        <section className="card">
          <Timeline />
        </section>
      </div>
      <section className="card">
        {services.length === 0 ? (
          <Empty title="No processes reported yet">
            The supervisor reports its processes here once it has started them. Start the appliance with{' '}
            <code>npx gochat up</code>.
          </Empty>
        ) : (
          <table className="grid services">
            <thead>
              <tr>
                <th>process</th>
                <th>state</th>
                <th>pid</th>
                <th>addresses</th>
                <th>uptime</th>
                <th>restarts</th>
                <th title="Records waiting for this process's Kafka consumers, and the trend over the last minute">
                  lag
                </th>
                <th />
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <ServiceRow
                  key={s.name}
                  service={s}
                  selected={s.name === current}
                  onSelect={() => setSelected(s.name)}
                  groups={groups}
                  history={history}
                />
              ))}
            </tbody>
          </table>
        )}
        {services.length > 0 && <LatencyControl services={services} groups={groups} />}
        {services.some((s) => s.startedAtMs) && (
          <p className="muted small">
            Started <Time ms={Math.min(...services.map((s) => s.startedAtMs ?? Infinity))} />. Click a row to see its
            logs.
          </p>
        )}
      </section>
      {current && <LogsPanel service={current} />}
    </div>
  );
}
