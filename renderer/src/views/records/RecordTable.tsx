// The records found or tailed, one row each; keys show user and group names (the id on hover).
import type { RecordSummary } from '../../api/types';
import { Time } from '../../components/common';
import { WithNames } from '../../names';

export function RecordTable({
  rows,
  selected,
  onSelect,
}: {
  rows: RecordSummary[];
  selected: RecordSummary | null;
  onSelect: (r: RecordSummary) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="grid records">
        <thead>
          <tr>
            <th>time</th>
            <th>p@offset</th>
            <th>key</th>
            <th>event type</th>
            <th>trace</th>
            <th>bytes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={`${r.partition}-${r.offset}`}
              className={selected?.partition === r.partition && selected.offset === r.offset ? 'selected' : ''}
              onClick={() => onSelect(r)}
              data-record={`${r.partition}@${r.offset}`}
              data-event-type={r.eventType ?? ''}
            >
              <td>
                <Time ms={r.timestampMs} />
              </td>
              <td className="num">
                {r.partition}@{r.offset}
              </td>
              <td className="mono ellipsis" data-key={r.key ?? ''}>
                {r.key === null ? <span className="muted">null</span> : <WithNames text={r.key} />}
              </td>
              <td>{r.eventType ?? <span className="muted">—</span>}</td>
              <td className="mono small">
                {r.traceId ? <a href={`#/flows?trace=${r.traceId}`}>{r.traceId.slice(0, 8)}</a> : '—'}
              </td>
              <td className="num">{r.size}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
