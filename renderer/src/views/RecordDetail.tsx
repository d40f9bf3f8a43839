// One record in full, in a side panel beside the table (a drawer over it on a narrow window): headers, the value
// decoded from protobuf or as a hex dump, who the ids in it are, and a way to replay it edited.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { DecodedRecord, RecordSummary } from '../api/types';
import { ErrorBox, Time } from '../components/common';
import { useAsync } from '../hooks';
import { idsIn, Named, WithNames } from '../names';

export function RecordDetail({
  topic,
  summary,
  onReplay,
  onClose,
}: {
  topic: string;
  summary: RecordSummary;
  onReplay: (r: DecodedRecord) => void;
  onClose: () => void;
}) {
  const [mode, setMode] = useState<'decoded' | 'raw'>('decoded');
  const { partition, offset } = summary;
  const detail = useAsync(
    useCallback(
      () => api.browse(topic, { from: 'offset', offset, partition, limit: 1 }).then((r) => r.records[0] ?? null),
      [topic, partition, offset],
    ),
  );
  const record = detail.data;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // Every user and group id in the record (key, headers, value), named once in a list of its own.
  const ids = record
    ? [...new Set(idsIn([record.key ?? '', JSON.stringify(record.value ?? null)].join(' ')))].slice(0, 50)
    : [];
  return (
    <aside className="card record-detail" data-testid="record-detail" aria-label="record details">
      <header className="row">
        <h3>
          p{summary.partition}@{summary.offset}
        </h3>
        <div className="tabs">
          <button className={mode === 'decoded' ? 'active' : ''} onClick={() => setMode('decoded')}>
            decoded
          </button>
          <button className={mode === 'raw' ? 'active' : ''} onClick={() => setMode('raw')}>
            raw
          </button>
        </div>
        {record && (
          <button onClick={() => onReplay(record)} title="open this record in the produce form to edit and send again">
            Replay edited…
          </button>
        )}
        {record?.traceId && (
          <a href={`#/flows?trace=${record.traceId}`} className="small">
            open flow
          </a>
        )}
        <span className="spacer" />
        <button className="link close" onClick={onClose} aria-label="close the record details" title="close (Esc)">
          ×
        </button>
      </header>
      <ErrorBox error={detail.error} />
      {record && (
        <>
          <table className="grid compact">
            <tbody>
              <tr>
                <th>time</th>
                <td>
                  <Time ms={record.timestampMs} />
                </td>
              </tr>
              <tr>
                <th>key</th>
                <td className="mono" title={record.key ?? undefined}>
                  {record.key === null ? <span className="muted">null</span> : <WithNames text={record.key} />}
                </td>
              </tr>
              <tr>
                <th>type</th>
                <td>{record.messageType ?? <span className="muted">unknown</span>}</td>
              </tr>
              {ids.length > 0 && (
                <tr data-testid="record-names">
                  <th>who</th>
                  <td>
                    {ids.map((id, i) => (
                      <span key={id}>
                        {i > 0 && ', '}
                        <Named id={id} />
                      </span>
                    ))}
                  </td>
                </tr>
              )}
              {Object.entries(record.headers).map(([name, value]) => (
                <tr key={name}>
                  <th>{name}</th>
                  <td className="mono">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {mode === 'decoded' ? (
            record.decodeError ? (
              <ErrorBox error={`Not decoded: ${record.decodeError}. The raw view shows the bytes.`} />
            ) : (
              <pre className="json">{JSON.stringify(record.value, null, 2)}</pre>
            )
          ) : (
            <pre className="json raw">{hexDump(record.rawValue)}</pre>
          )}
        </>
      )}
    </aside>
  );
}

function hexDump(base64: string | null): string {
  if (!base64) return '(no value)';
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = [...bytes.slice(i, i + 16)];
    const hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(6, '0')}  ${hex.padEnd(48)}  ${text}`);
  }
  return lines.join('\n');
}
