// Data: the chat store's tables, read-only and paged.
import { useState } from 'react';
import { api } from '../api/client';
import { Empty, ErrorBox } from '../components/common';
import { useAsync } from '../hooks';

const PAGE = 50;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function DataView() {
  const tables = useAsync(() => api.tables(), []);
  const [table, setTable] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const current = table ?? tables.data?.tables[0]?.name ?? null;
  const page = useAsync(() => (current ? api.table(current, offset, PAGE) : Promise.resolve(null)), [current, offset]);

  return (
    <div className="view" data-testid="data">
      <h1>Data</h1>
      <p className="muted small">
        The SQLite chat store, read-only. Rows change as the services write; reload a page to see the latest.
      </p>
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
                            {cell(row[c])}
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
