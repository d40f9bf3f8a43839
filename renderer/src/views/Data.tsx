// Data: the chat store's tables, read-only and paged.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { Empty, ErrorBox, Time } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { WithNames } from '../names';

const PAGE = 50;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The column that is a row's own id (users.user_id, groups.group_id): shown as the id, its name is beside it. */
const OWN_ID: Record<string, string> = { users: 'user_id', groups: 'group_id' };

/**
 * Epoch-millisecond columns (created_at_ms, sent_at_ms, ...) read as times, with the raw number on hover; user and
 * group ids (also inside conversation ids) read as names, with the id on hover.
 */
function Cell({ table, column, value }: { table: string; column: string; value: unknown }) {
  if (column.endsWith('_ms') && typeof value === 'number' && value > 0) return <Time ms={value} />;
  if (column.endsWith('_id') && column !== OWN_ID[table] && typeof value === 'string')
    return <WithNames text={value} />;
  return <>{cell(value)}</>;
}

/** Something in the system just happened (a traced hop, a simulated client, presence): the store may have changed. */
const CHANGE_SIGNALS = new Set(['span', 'client', 'presence']);
const REFRESH_AT_MOST_EVERY_MS = 1500;

export function DataView() {
  const tables = useAsync(api.tables);
  const [table, setTable] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const current = table ?? tables.data?.tables[0]?.name ?? null;
  const page = useAsync(
    useCallback(() => (current ? api.table(current, offset, PAGE) : Promise.resolve(null)), [current, offset]),
  );

  // Refresh on what the live feed pushes, at most once per interval, so a burst of messages costs one read.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { reload: reloadTables } = tables;
  const { reload: reloadPage } = page;
  useLive((m) => {
    if (!CHANGE_SIGNALS.has(m.type) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reloadTables();
      reloadPage();
    }, REFRESH_AT_MOST_EVERY_MS);
  });
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);

  return (
    <div className="view" data-testid="data">
      <h1>Data</h1>
      <p className="muted small">The SQLite chat store, read-only. Counts and the page refresh as the system works.</p>
      <ErrorBox error={tables.error} />
      {tables.data && tables.data.tables.length === 0 && (
        <Empty title="The database has no tables yet">im-repo creates them when it first starts.</Empty>
      )}
      <div className="split">
        <aside className="card topic-list">
          {tables.data?.tables.map((t) => (
            <button
              key={t.name}
              className={`topic-item ${current === t.name ? 'active' : ''}`}
              onClick={() => {
                setTable(t.name);
                setOffset(0);
              }}
              data-table={t.name}
            >
              <span className="topic-name">{t.name}</span>
              <span className="muted small">{t.rows} rows</span>
            </button>
          ))}
        </aside>
        {current && (
          <section className="card">
            <header className="row">
              <h2>{current}</h2>
              <button onClick={() => page.reload()}>Reload</button>
              <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Previous
              </button>
              <button
                disabled={!page.data || offset + PAGE >= page.data.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Next
              </button>
              {page.data && (
                <span className="muted small">
                  rows {page.data.total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, page.data.total)} of{' '}
                  {page.data.total}
                </span>
              )}
            </header>
            <ErrorBox error={page.error} />
            {page.data && page.data.rows.length === 0 && (
              <Empty title="This table is empty">Use the Clients view to create users and send messages.</Empty>
            )}
            {page.data && page.data.rows.length > 0 && (
              <div className="table-scroll">
                <table className="grid records">
                  <thead>
                    <tr>
                      {page.data.columns.map((c) => (
                        <th key={c}>{c}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {page.data.rows.map((row, i) => (
                      <tr key={i}>
                        {page.data!.columns.map((c) => (
                          <td key={c} className="ellipsis mono small" title={cell(row[c])}>
                            <Cell table={current} column={c} value={row[c]} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
