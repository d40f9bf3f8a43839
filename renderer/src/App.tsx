// The console shell: navigation, theme, timestamp mode, keyboard shortcuts and the live connection.
import { useEffect, useState } from 'react';
import { hasToken, live } from './api/client';
import { AbsoluteTimeContext } from './hooks';
import { ShortcutsHelp } from './shell/ShortcutsHelp';
import { Sidebar } from './shell/Sidebar';
import { useServices } from './shell/useServices';
import { useShortcuts } from './shell/useShortcuts';
import { useTheme } from './shell/useTheme';
import { ClientsView } from './views/Clients';
import { DataView } from './views/Data';
import { FlowsView } from './views/Flows';
import { OverviewView } from './views/Overview';
import { PresenceView } from './views/Presence';
import { ScenariosView } from './views/Scenarios';
import { SessionView } from './views/Session';
import { TopicsView } from './views/Topics';

const VIEWS = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'topics', label: 'Topics', key: '2' },
  { id: 'presence', label: 'Presence', key: '3' },
  { id: 'clients', label: 'Clients', key: '4' },
  { id: 'flows', label: 'Flows', key: '5' },
  { id: 'data', label: 'Data', key: '6' },
  { id: 'scenarios', label: 'Scenarios', key: '7' },
  { id: 'session', label: 'Session', key: '8' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

function viewFromHash(): ViewId {
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return VIEWS.find((v) => v.id === id)?.id ?? 'overview';
}

/** A setting kept in localStorage across reloads. */
function useStored<T extends string>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (localStorage.getItem(key) as T | null) ?? initial);
  useEffect(() => localStorage.setItem(key, value), [key, value]);
  return [value, setValue];
}

function NoToken() {
  return (
    <div className="error" role="alert">
      <span>
        This page was opened without the console token, so it cannot show anything. Open the address printed by{' '}
        <code>gochat up</code> (it ends with <code>?token=…</code>), or the one in <code>.gochat/appliance.json</code>.
      </span>
    </div>
  );
}

export function App() {
  const [view, setView] = useState<ViewId>(viewFromHash());
  const { theme, chosen: themeChosen, toggle: toggleTheme } = useTheme();
  const [timeMode, setTimeMode] = useStored<'0' | '1'>('gochat.absoluteTime', '0');
  const absoluteTime = timeMode === '1';
  const [connected, setConnected] = useState(false);
  const [showHelp, setShowHelp] = useState(false);
  const services = useServices();

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

  const go = (id: string) => {
    const target = VIEWS.find((v) => v.id === id);
    if (!target) return;
    window.location.hash = `#/${target.id}`;
    setView(target.id);
  };
  const toggleTime = () => setTimeMode(absoluteTime ? '0' : '1');
  useShortcuts((key, event) => {
    const target = VIEWS.find((v) => v.key === key);
    if (target) go(target.id);
    else if (key === 'd') toggleTheme();
    else if (key === 't') toggleTime();
    else if (key === '?') setShowHelp((s) => !s);
    else if (key === '/') {
      event.preventDefault();
      document.querySelector<HTMLInputElement>('[data-search]')?.focus();
    } else if (key === 'Escape') setShowHelp(false);
  });

  return (
    <AbsoluteTimeContext.Provider value={absoluteTime}>
      <div className="shell">
        <Sidebar
          views={VIEWS}
          view={view}
          go={go}
          connected={connected}
          services={services}
          theme={theme}
          themeChosen={themeChosen}
          toggleTheme={toggleTheme}
          absoluteTime={absoluteTime}
          toggleTime={toggleTime}
          showHelp={() => setShowHelp(true)}
        />
        <main className="content">
          {!hasToken ? (
            <NoToken />
          ) : (
            <>
              {view === 'overview' && <OverviewView services={services} />}
              {view === 'topics' && <TopicsView />}
              {view === 'presence' && <PresenceView />}
              {view === 'clients' && <ClientsView />}
              {view === 'flows' && <FlowsView />}
              {view === 'data' && <DataView />}
              {view === 'scenarios' && <ScenariosView />}
              {view === 'session' && <SessionView />}
            </>
          )}
        </main>
        {showHelp && <ShortcutsHelp views={VIEWS} onClose={() => setShowHelp(false)} />}
      </div>
    </AbsoluteTimeContext.Provider>
  );
}
