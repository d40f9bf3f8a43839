// The console shell: navigation, theme, timestamp mode, keyboard shortcuts, the live connection, and the
// data-ready attribute tests wait for.
import { useEffect, useState } from 'react';
import { apiAddress, hasToken, live } from './api/client';
import type { ServiceStatus } from './api/types';
import { AbsoluteTimeContext, useLive } from './hooks';
import { ClientsView } from './views/Clients';
import { DataView } from './views/Data';
import { FlowsView } from './views/Flows';
import { OverviewView } from './views/Overview';
import { PresenceView } from './views/Presence';
import { ScenariosView } from './views/Scenarios';
import { RecordingBadge } from './views/scenarios/Recorder';
import { TopicsView } from './views/Topics';

const VIEWS = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'topics', label: 'Topics', key: '2' },
  { id: 'presence', label: 'Presence', key: '3' },
  { id: 'clients', label: 'Clients', key: '4' },
  { id: 'flows', label: 'Flows', key: '5' },
  { id: 'data', label: 'Data', key: '6' },
  { id: 'scenarios', label: 'Scenarios', key: '7' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

function viewFromHash(): ViewId {
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return VIEWS.find((v) => v.id === id)?.id ?? 'overview';
}

export function App() {
  const [view, setView] = useState<ViewId>(viewFromHash());
  const [theme, setTheme] = useState<'dark' | 'light'>(
    () => (localStorage.getItem('gochat.theme') as 'dark' | 'light' | null) ?? 'dark',
  );
  const [absoluteTime, setAbsoluteTime] = useState(() => localStorage.getItem('gochat.absoluteTime') === '1');
  const [connected, setConnected] = useState(false);
  const [services, setServices] = useState<ServiceStatus[]>([]);
  const [showHelp, setShowHelp] = useState(false);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('gochat.theme', theme);
  }, [theme]);
  useEffect(() => localStorage.setItem('gochat.absoluteTime', absoluteTime ? '1' : '0'), [absoluteTime]);
  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const off = live.onStatus(setConnected);
    live.start();
    return off;
  }, []);

  useLive((message) => {
    if (message.type === 'hello') {
      setServices(message.services);
      document.body.dataset.ready = 'true';
    } else if (message.type === 'status') {
      setServices((list) => {
        const found = list.some((s) => s.name === message.service.name);
        return found
          ? list.map((s) => (s.name === message.service.name ? message.service : s))
          : [...list, message.service];
      });
    }
  });

  const go = (id: ViewId) => {
    window.location.hash = `#/${id}`;
    setView(id);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'TEXTAREA' ||
          target.tagName === 'SELECT' ||
          target.isContentEditable)
      )
        return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const target2 = VIEWS.find((v) => v.key === event.key);
      if (target2) go(target2.id);
      else if (event.key === 'd') setTheme((t) => (t === 'dark' ? 'light' : 'dark'));
      else if (event.key === 't') setAbsoluteTime((a) => !a);
      else if (event.key === '?') setShowHelp((s) => !s);
      else if (event.key === '/') {
        event.preventDefault();
        document.querySelector<HTMLInputElement>('[data-search]')?.focus();
      } else if (event.key === 'Escape') setShowHelp(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const unhealthy = services.filter((s) => s.state !== 'running').length;

  return (
    <AbsoluteTimeContext.Provider value={absoluteTime}>
      <div className="shell">
        <nav className="sidebar" aria-label="views">
          <div className="brand">
            GoChat <span>console</span>
          </div>
          {VIEWS.map((v) => (
            <button
              key={v.id}
              className={`nav ${view === v.id ? 'active' : ''}`}
              onClick={() => go(v.id)}
              data-view={v.id}
              title={`${v.label} (${v.key})`}
            >
              <span>{v.label}</span>
              <kbd>{v.key}</kbd>
            </button>
          ))}
          <RecordingBadge onStopped={() => go('scenarios')} />
          <div className="sidebar-foot">
            <div className={`conn ${connected ? 'ok' : 'bad'}`} data-testid="live-status">
              {connected ? 'live' : 'reconnecting…'}
            </div>
            <div className="muted small" title="appliance API address">
              {apiAddress.replace(/^https?:\/\//, '')}
            </div>
            {services.length > 0 && (
              <div className="muted small">
                {services.length - unhealthy}/{services.length} running
              </div>
            )}
            <div className="toggles">
              <button className="link" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} title="theme (d)">
                {theme === 'dark' ? 'light theme' : 'dark theme'}
              </button>
              <button className="link" onClick={() => setAbsoluteTime(!absoluteTime)} title="timestamps (t)">
                {absoluteTime ? 'relative times' : 'absolute times'}
              </button>
              <button className="link" onClick={() => setShowHelp(true)} title="shortcuts (?)">
                shortcuts
              </button>
            </div>
          </div>
        </nav>
        <main className="content">
          {!hasToken ? (
            <div className="error" role="alert">
              <span>
                This page was opened without the console token, so it cannot show anything. Open the address printed by{' '}
                <code>gochat up</code> (it ends with <code>?token=…</code>), or the one in{' '}
                <code>.gochat/appliance.json</code>.
              </span>
            </div>
          ) : (
            <>
              {view === 'overview' && <OverviewView services={services} />}
              {view === 'topics' && <TopicsView />}
              {view === 'presence' && <PresenceView />}
              {view === 'clients' && <ClientsView />}
              {view === 'flows' && <FlowsView />}
              {view === 'data' && <DataView />}
              {view === 'scenarios' && <ScenariosView />}
            </>
          )}
        </main>
        {showHelp && (
          <div className="modal" role="dialog" aria-label="keyboard shortcuts" onClick={() => setShowHelp(false)}>
            <div className="card" onClick={(e) => e.stopPropagation()}>
              <h2>Keyboard shortcuts</h2>
              <table className="grid">
                <tbody>
                  {VIEWS.map((v) => (
                    <tr key={v.id}>
                      <td>
                        <kbd>{v.key}</kbd>
                      </td>
                      <td>{v.label}</td>
                    </tr>
                  ))}
                  <tr>
                    <td>
                      <kbd>d</kbd>
                    </td>
                    <td>dark / light theme</td>
                  </tr>
                  <tr>
                    <td>
                      <kbd>t</kbd>
                    </td>
                    <td>relative / absolute timestamps</td>
                  </tr>
                  <tr>
                    <td>
                      <kbd>space</kbd>
                    </td>
                    <td>pause / resume the live tail (Topics)</td>
                  </tr>
                  <tr>
                    <td>
                      <kbd>/</kbd>
                    </td>
                    <td>focus the search or filter box</td>
                  </tr>
                  <tr>
                    <td>
                      <kbd>?</kbd>
                    </td>
                    <td>this help</td>
                  </tr>
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </AbsoluteTimeContext.Provider>
  );
}
