// The navigation column: one button per view, the live connection's state, how many processes run, and the
// theme / timestamp / shortcut toggles.
import { apiAddress } from '../api/client';
import type { ServiceStatus } from '../api/types';
import { RecordingBadge } from '../views/scenarios/Recorder';

export interface ViewEntry {
  id: string;
  label: string;
  key: string;
}

export function Sidebar({
  views,
  view,
  go,
  connected,
  services,
  theme,
  themeChosen,
  toggleTheme,
  absoluteTime,
  toggleTime,
  showHelp,
}: {
  views: readonly ViewEntry[];
  view: string;
  go: (id: string) => void;
  connected: boolean;
  services: ServiceStatus[];
  theme: 'dark' | 'light';
  /** False while the theme follows the system's preference. */
  themeChosen: boolean;
  toggleTheme: () => void;
  absoluteTime: boolean;
  toggleTime: () => void;
  showHelp: () => void;
}) {
  const unhealthy = services.filter((s) => s.state !== 'running').length;
  return (
    <nav className="sidebar" aria-label="views">
      <div className="brand">
        GoChat <span>console</span>
      </div>
      {views.map((v) => (
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
          <button
            className="link"
            onClick={toggleTheme}
            title={`theme (d): ${theme}, ${themeChosen ? 'chosen here' : "the system's"}`}
            data-action="toggle-theme"
            data-theme-now={theme}
          >
            {theme === 'dark' ? 'light theme' : 'dark theme'}
          </button>
          <button className="link" onClick={toggleTime} title="timestamps (t)">
            {absoluteTime ? 'relative times' : 'absolute times'}
          </button>
          <button className="link" onClick={showHelp} title="shortcuts (?)">
            shortcuts
          </button>
        </div>
      </div>
    </nav>
  );
}
