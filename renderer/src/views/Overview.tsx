// Overview: the map with live rates, consumer lag and what is in flight, the events timeline (faults and their
// recovery), every process with health / pid / port / uptime / restarts / lag and its controls (chaos included), and
// the logs of the selected process (level filter, search, live).
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { InfraSummary, ServiceStatus } from '../api/types';
import { Badge, Empty, ErrorBox, Time } from '../components/common';
import { useLive } from '../hooks';
import { LatencyControl, Timeline } from './ChaosPanel';
import { lagByEdge, useGroupLag } from './lag';
import { InFlightBar } from './overview/InFlightBar';
import { LogsPanel } from './overview/LogsPanel';
import { ServiceRow } from './overview/ServiceRow';
import { useInFlight } from './overview/useInFlight';
import { servicesOfNode, TopologyMap } from './TopologyMap';

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
