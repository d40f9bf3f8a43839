// One row of the Overview's process table: state and health, pid, addresses, uptime, restarts, consumer lag with
// its trend, and the controls (stop / start / restart, and the chaos ones: kill, pause / resume).
import { api } from '../../api/client';
import type { GroupInfo, LagSample, ServiceStatus } from '../../api/types';
import { Badge, duration, ErrorBox, Sparkline } from '../../components/common';
import { useAction, useNow } from '../../hooks';
import { groupsOfService, lagTrend, totalLag } from '../lag';

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

export function ServiceRow({
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
