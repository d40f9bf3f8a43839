// The browser's filter bar: where to start, which partition, key, header and event type. A field with a mistake
// says so beside itself (and the search waits for it); a field that will do something surprising says that too.
import type { BrowseQuery } from '../../api/client';
import type { TopicInfo } from '../../api/types';
import { useIdsNamed } from '../../names';
import type { FilterCheck, FilterField, Filters } from './filters';

/** Keys hold ids, not names: a name typed into the key filter would match nothing, so offer its id instead. */
function KeyIsAName({ text, use }: { text: string; use: (id: string) => void }) {
  const ids = useIdsNamed(text);
  if (ids.length === 0 || text.includes('_')) return null;
  return (
    <span className="field-note muted" data-field-hint="key">
      keys hold ids: {text} is{' '}
      {ids.map((id) => (
        <button key={id} className="link mono" onClick={() => use(id)} title="filter by this id">
          {id}
        </button>
      ))}
    </span>
  );
}

function FieldNote({ field, check }: { field: FilterField; check: FilterCheck }) {
  const error = check.errors[field];
  const hint = check.hints[field];
  if (error)
    return (
      <span className="field-note bad-text" role="alert" data-field-error={field}>
        {error}
      </span>
    );
  if (hint)
    return (
      <span className="field-note muted" data-field-hint={field}>
        {hint}
      </span>
    );
  return null;
}

export function RecordFilters({
  topic,
  filters,
  set,
  check,
  types,
}: {
  topic: TopicInfo;
  filters: Filters;
  set: (change: Partial<Filters>) => void;
  check: FilterCheck;
  types: string[];
}) {
  const invalid = (field: FilterField) => ({ 'aria-invalid': check.errors[field] !== undefined });
  return (
    <>
      <label>
        from{' '}
        <select
          value={filters.from}
          onChange={(e) => set({ from: e.target.value as BrowseQuery['from'] })}
          aria-label="start from"
        >
          <option value="newest">newest</option>
          <option value="oldest">oldest</option>
          <option value="offset">offset</option>
          <option value="time">time</option>
        </select>
      </label>
      {filters.from === 'offset' && (
        <span className="field">
          <input
            {...invalid('offset')}
            value={filters.offset}
            onChange={(e) => set({ offset: e.target.value })}
            aria-label="offset"
            inputMode="numeric"
            className="narrow"
          />
          <FieldNote field="offset" check={check} />
        </span>
      )}
      {filters.from === 'time' && (
        <span className="field">
          <input
            {...invalid('time')}
            type="datetime-local"
            step="1"
            value={filters.time}
            onChange={(e) => set({ time: e.target.value })}
            aria-label="time"
          />
          <FieldNote field="time" check={check} />
        </span>
      )}
      <select
        value={String(filters.partition)}
        onChange={(e) => set({ partition: e.target.value === 'all' ? 'all' : Number(e.target.value) })}
        aria-label="partition"
      >
        <option value="all">all partitions</option>
        {topic.partitions.map((p) => (
          <option key={p.partition} value={p.partition}>
            partition {p.partition}
          </option>
        ))}
      </select>
      <span className="field">
        <input
          data-search
          placeholder="key contains"
          value={filters.key}
          onChange={(e) => set({ key: e.target.value })}
          aria-label="key filter"
        />
        <KeyIsAName text={filters.key} use={(id) => set({ key: id })} />
      </span>
      <span className="field">
        <input
          {...invalid('header')}
          placeholder="header name=value"
          value={filters.header}
          onChange={(e) => set({ header: e.target.value })}
          aria-label="header filter"
        />
        <FieldNote field="header" check={check} />
      </span>
      <select value={filters.eventType} onChange={(e) => set({ eventType: e.target.value })} aria-label="event type">
        <option value="">any event type</option>
        {types.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </>
  );
}
