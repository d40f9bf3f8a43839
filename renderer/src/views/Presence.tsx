// Presence: who is online, on which gateway, with how many connections, and the changes as they happen.
import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import type { PresenceSnapshot } from '../api/types';
import { Badge, Empty, ErrorBox, Time } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { rememberNames, useNames } from '../names';
import { useSession } from '../session';

export function PresenceView() {
  const snapshot = useAsync<PresenceSnapshot>(api.presence);
  const clients = useAsync(api.clients);
  // Kept by the app-level session store: coming back to this view shows the changes seen meanwhile.
  const changes = useSession().presenceChanges();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // What the snapshot and the simulated clients already name goes into the one cache; it asks for the rest.
  useEffect(() => {
    if (snapshot.data) rememberNames(snapshot.data.names);
  }, [snapshot.data]);
  useEffect(() => {
    rememberNames(Object.fromEntries((clients.data?.clients ?? []).map((c) => [c.userId, c.username])));
  }, [clients.data]);
  const known = useNames([...(snapshot.data?.users.map((u) => u.userId) ?? []), ...changes.map((c) => c.userId)]);
  const name = (userId: string) => known(userId) ?? userId;

  useLive((m) => {
    if (m.type === 'presence') {
      // The change says who; the store says how many connections now. Re-read it once the burst settles.
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => snapshot.reload(), 250);
    } else if (m.type === 'client') clients.reload();
  });
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const data = snapshot.data;
  return (
    <div className="view" data-testid="presence">
      <h1>Presence</h1>
      <ErrorBox error={snapshot.error} />
      <div className="stats row">
        <div className="stat">
          <span className="big" data-testid="online-count">
            {data?.users.length ?? '—'}
          </span>
          users online
        </div>
        <div className="stat">
          <span className="big">{data?.connections ?? '—'}</span>connections
        </div>
        <div className="stat">
          <span className="big">{data?.gateways.length ?? '—'}</span>gateways
        </div>
      </div>
      <div className="split even">
        <section className="card">
          <h2>Online users</h2>
          {data && data.users.length === 0 && (
            <Empty title="Nobody is online">Create simulated users in the Clients view (4) and they appear here.</Empty>
          )}
          {data && data.users.length > 0 && (
            <table className="grid">
              <thead>
                <tr>
                  <th>user</th>
                  <th>connections</th>
                  <th>gateways</th>
                  <th>since</th>
                </tr>
              </thead>
              <tbody>
                {data.users.map((u) => (
                  <tr key={u.userId} data-user={name(u.userId)}>
                    <td title={u.userId}>
                      <strong data-id={u.userId}>{name(u.userId)}</strong>
                      {known(u.userId) && <div className="muted small mono">{u.userId}</div>}
                    </td>
                    <td className="num">{u.connections.length}</td>
                    <td>{[...new Set(u.connections.map((c) => c.gatewayId))].join(', ')}</td>
                    <td>
                      <Time ms={Math.min(...u.connections.map((c) => c.connectedAtMs))} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Gateways</h2>
          {data && data.gateways.length === 0 && (
            <p className="muted small">No gateway has registered; start im-gateway from the Overview.</p>
          )}
          <table className="grid compact">
            <tbody>
              {data?.gateways.map((g) => (
                <tr key={g.gatewayId} data-gateway={g.gatewayId}>
                  <td title={`gateway ${g.gatewayId}: WebSocket ${g.publicAddress}, gRPC ${g.grpcAddress}`}>
                    <strong>{g.gatewayId}</strong>
                  </td>
                  <td className="mono small">{g.publicAddress}</td>
                  <td className="num">
                    {data.users.reduce(
                      (n, u) => n + u.connections.filter((c) => c.gatewayId === g.gatewayId).length,
                      0,
                    )}{' '}
                    conns
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Changes</h2>
          {changes.length === 0 && (
            <Empty title="No changes since the console opened">
              A user coming online or going offline shows here the moment its event is appended.
            </Empty>
          )}
          <ul className="feed" data-testid="presence-changes">
            {changes.map((c, i) => (
              <li key={i} data-change={`${name(c.userId)}:${c.status}`}>
                <Badge tone={c.status === 'online' ? 'ok' : 'idle'}>{c.status}</Badge>{' '}
                <strong title={c.userId} data-id={c.userId}>
                  {name(c.userId)}
                </strong>{' '}
                on {c.gatewayId}
                {c.reason && <span className="muted"> ({c.reason})</span>} <Time ms={c.atMs} />
                {c.traceId && (
                  <>
                    {' · '}
                    <a className="small" href={`#/flows?trace=${c.traceId}`}>
                      flow
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
