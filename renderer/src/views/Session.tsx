// Session: one timeline of what happened since the console opened - presence changes, service faults and their
// recovery, seed-flow runs, records produced by hand, and clients losing and regaining their gateway - each linked
// to its flow where there is one. Kept by the app-level session store, so it is all still here after navigating.
import { useState } from 'react';
import { Badge, Empty, Time } from '../components/common';
import { useNames } from '../names';
import { useSession, type SessionKind } from '../session';

const KINDS: { kind: SessionKind; label: string; tone: 'ok' | 'warn' | 'bad' | 'idle' | 'info' }[] = [
  { kind: 'presence', label: 'presence', tone: 'idle' },
  { kind: 'service', label: 'service', tone: 'warn' },
  { kind: 'disconnect', label: 'disconnect', tone: 'bad' },
  { kind: 'reconnect', label: 'reconnect', tone: 'ok' },
  { kind: 'seed-flow', label: 'seed flow', tone: 'info' },
  { kind: 'produce', label: 'produced', tone: 'info' },
];

export function SessionView() {
  const store = useSession();
  const [hidden, setHidden] = useState<Set<SessionKind>>(new Set());
  const entries = [...store.list()].reverse().filter((e) => !hidden.has(e.kind));
  // Users the session store has no name for (not a simulated client) are named by the console's name cache.
  const known = useNames(entries.flatMap((e) => (e.userId && !store.nameOf(e.userId) ? [e.userId] : [])));
  const toggle = (kind: SessionKind) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
  return (
    <div className="view" data-testid="session">
      <h1>Session</h1>
      <section className="card">
        <div className="row wrap small">
          <span>Show:</span>
          {KINDS.map((k) => (
            <label key={k.kind}>
              <input type="checkbox" checked={!hidden.has(k.kind)} onChange={() => toggle(k.kind)} /> {k.label} (
              {store.list().filter((e) => e.kind === k.kind).length})
            </label>
          ))}
        </div>
        {entries.length === 0 && (
          <Empty title="Nothing yet in this session">
            Presence changes, service stops and restarts, seed-flow runs, records produced by hand and clients
            reconnecting after a gateway restart appear here as they happen.
          </Empty>
        )}
        <ul className="feed" data-testid="session-entries">
          {entries.map((e) => {
            const kind = KINDS.find((k) => k.kind === e.kind)!;
            const who = e.userId ? (store.nameOf(e.userId) ?? known(e.userId) ?? e.userId) : null;
            return (
              <li key={e.key} data-kind={e.kind} data-ok={e.ok === undefined ? undefined : String(e.ok)}>
                <Time ms={e.atMs} /> <Badge tone={e.ok === false ? 'bad' : kind.tone}>{kind.label}</Badge>{' '}
                {who && (
                  <strong title={e.userId} data-user={who}>
                    {who}
                  </strong>
                )}{' '}
                {e.text}
                {e.traceId && (
                  <>
                    {' · '}
                    <a className="small" href={`#/flows?trace=${e.traceId}`}>
                      flow
                    </a>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
