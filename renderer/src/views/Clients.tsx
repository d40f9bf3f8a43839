// Clients: simulated users side by side. Each panel is a small chat app (conversations, send, receipts, friends'
// presence, group notices); the bar above creates users (one, many, or a whole team) and runs the seed flows.
import { useState } from 'react';
import { api } from '../api/client';
import type { ClientView, FlowRun } from '../api/types';
import { Empty, ErrorBox } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { useSession } from '../session';
import { ClientPanel } from './clients/ClientPanel';
import { GroupBar } from './clients/GroupBar';
import { SetupBar } from './clients/SetupBar';

function RunLine({ run }: { run: FlowRun }) {
  return (
    <div className={`run ${run.ok ? 'ok' : 'bad'}`} data-run={run.flow} data-ok={run.ok ? 'true' : 'false'}>
      <strong>{run.flow}</strong> {run.ok ? 'passed' : 'failed'}:{' '}
      {run.steps.map((s, j) => (
        <span key={j} className={s.ok ? 'ok-text' : 'bad-text'}>
          {s.ok ? '✓' : '✗'} {s.label} — {s.detail}
          {s.traceId && (
            <a href={`#/flows?trace=${s.traceId}`} className="small">
              {' '}
              flow
            </a>
          )}
          {'; '}
        </span>
      ))}
    </div>
  );
}

export function ClientsView() {
  const initial = useAsync(api.clients);
  const [clients, setClients] = useState<Map<string, ClientView> | null>(null);
  const runs = useSession().flowRuns();

  const known = clients ?? new Map((initial.data?.clients ?? []).map((c) => [c.username, c]));
  useLive((m) => {
    if (m.type !== 'client' && m.type !== 'client-removed') return;
    // Build on the latest state, not this render's: several updates can arrive before React renders again.
    setClients((previous) => {
      const next = new Map(previous ?? known);
      if (m.type === 'client') next.set(m.client.username, m.client);
      else next.delete(m.username);
      return next;
    });
  });
  const list = [...known.values()];

  const refresh = async () => {
    const r = await api.clients();
    setClients(new Map(r.clients.map((c) => [c.username, c])));
  };

  return (
    <div className="view" data-testid="clients">
      <h1>Clients</h1>
      <section className="card">
        <SetupBar known={(username) => known.has(username)} refresh={refresh} />
        <ErrorBox error={initial.error} />
        {list.length > 1 && <GroupBar clients={list} />}
        {runs.map((run, i) => (
          <RunLine key={i} run={run} />
        ))}
      </section>
      {list.length === 0 && !initial.loading && (
        <Empty title="No simulated users yet">
          Create one or two users above (each signs in through a gateway like a real client), or click a seed flow to
          set up alice, bob and carol.
        </Empty>
      )}
      <div className="clients-grid">
        {list.map((c) => (
          <ClientPanel key={c.username} client={c} others={list} />
        ))}
      </div>
    </div>
  );
}
