// The logs of the process chosen in the Overview: a level filter, a search, and new lines as they are written.
import { useEffect, useRef, useState } from 'react';
import { api, live } from '../../api/client';
import type { LogLevel, LogLine } from '../../api/types';
import { Empty, ErrorBox, Time } from '../../components/common';
import { useLive } from '../../hooks';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function LogsPanel({ service }: { service: string }) {
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
