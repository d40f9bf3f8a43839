// A run as it happens: one row per step (as the runner reports them), one column per actor; the actors a step acts
// on or checks are marked in their columns, a failure is highlighted with who, what was expected and what was
// seen, and a step that started or saw a trace links to it in the Flows view.
import type { RunEvent, StepEvent } from '../../api/types';
import { Badge } from '../../components/common';

const MARK = { passed: '✓', failed: '✗', skipped: '–', running: '…' } as const;

/** "member[3]" and "member[*]" both belong to the column "member[*]". */
function columnOf(actor: string, columns: string[]): string | undefined {
  if (columns.includes(actor)) return actor;
  const base = actor.replace(/\[.*$/, '');
  return columns.find((c) => c === `${base}[*]` || c === base);
}

export function ScenarioRun({ events }: { events: RunEvent[] }) {
  const start = events.find((e) => e.type === 'run-start');
  const end = events.find((e) => e.type === 'run-end');
  const steps = new Map<string, StepEvent>();
  for (const e of events) if (e.type === 'step') steps.set(e.id, e);
  // Rounds of a repeat can be hundreds of rows: they are shown only when they fail.
  const rows = [...steps.values()].filter(
    (s) => s.status === 'failed' || s.id.split('.').length <= 2 || s.id.startsWith('setup'),
  );
  const columns = start?.type === 'run-start' ? start.columns : [];

  return (
    <div className="card" data-testid="scenario-run">
      <header className="row">
        <h2>{start?.type === 'run-start' ? start.scenario : 'starting…'}</h2>
        <span className="spacer" />
        {end?.type === 'run-end' ? (
          <span data-testid="scenario-run-status" data-ok={end.ok ? 'true' : 'false'}>
            <Badge tone={end.ok ? 'ok' : 'bad'}>{end.ok ? 'PASSED' : 'FAILED'}</Badge>{' '}
            <span className="muted small">
              {end.passed} passed, {end.failed} failed, {end.skipped} skipped in {(end.durationMs / 1000).toFixed(1)} s
            </span>
          </span>
        ) : (
          <Badge tone="info">running</Badge>
        )}
      </header>
      <table className="grid compact scenario-steps">
        <thead>
          <tr>
            <th>step</th>
            <th>line</th>
            <th>what</th>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th>time</th>
            <th>flow</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const involved = new Set(s.actors.map((a) => columnOf(a, columns)).filter(Boolean));
            return (
              <tr key={s.id} className={`step-${s.status}`} data-step={s.id} data-status={s.status}>
                <td>
                  {MARK[s.status]} {s.id}
                </td>
                <td className="muted">{s.line}</td>
                <td>
                  {s.label}
                  {s.detail && s.status === 'passed' && <div className="muted small">{s.detail}</div>}
                  {s.failure && (
                    <div className="scenario-failure small" data-testid="scenario-failure">
                      {s.failure.actor && <div>actor: {s.failure.actor}</div>}
                      <div>expected: {s.failure.expected}</div>
                      <div>seen: {s.failure.seen}</div>
                    </div>
                  )}
                </td>
                {columns.map((c) => (
                  <td key={c} className={involved.has(c) ? `actor-cell ${s.status}` : ''}>
                    {involved.has(c) ? MARK[s.status] : ''}
                  </td>
                ))}
                <td className="muted">{s.durationMs === undefined ? '' : `${s.durationMs} ms`}</td>
                <td>
                  {s.traceIds?.map((t) => (
                    <a key={t} href={`#/flows?trace=${t}`} title={`trace ${t}`}>
                      flow
                    </a>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
