// The message browser's filters as the user typed them, checked before a search: a mistake is named at its field
// rather than sent to the server and answered with "no records match".
import type { BrowseQuery } from '../../api/client';

export interface Filters {
  from: BrowseQuery['from'];
  offset: string;
  time: string;
  partition: 'all' | number;
  key: string;
  header: string;
  eventType: string;
}

export type FilterField = 'offset' | 'time' | 'header';

/** What is wrong with each field (errors stop a search) and what a field will do that may surprise (hints). */
export interface FilterCheck {
  errors: Partial<Record<FilterField, string>>;
  hints: Partial<Record<FilterField, string>>;
}

/** Header names as Kafka clients write them: no spaces, no ':' or '=' (the separator), at most 255 characters. */
const HEADER_NAME = /^[!#-'*+.0-9A-Z^_`a-z|~-]{1,255}$/;

export function checkFilters(f: Filters): FilterCheck {
  const errors: FilterCheck['errors'] = {};
  const hints: FilterCheck['hints'] = {};
  if (f.from === 'offset' && !/^\d+$/.test(f.offset.trim()))
    errors.offset = `an offset is a whole number from 0, got "${f.offset}"`;
  if (f.from === 'time') {
    if (!f.time) errors.time = 'pick the time to start from';
    else if (Number.isNaN(new Date(f.time).getTime())) errors.time = `"${f.time}" is not a date and time`;
  }
  const header = f.header.trim();
  if (header) {
    const eq = header.indexOf('=');
    const name = eq < 0 ? header : header.slice(0, eq).trim();
    if (eq === 0) errors.header = 'a header filter starts with the header name: name=value';
    else if (!HEADER_NAME.test(name))
      errors.header = name.includes(':')
        ? `write the header filter as name=value, not "name: value"`
        : `"${name}" is not a header name (letters, digits and - _ . only, no spaces); write name=value`;
    else if (eq < 0) hints.header = `no "=": matches records that have a header "${name}", whatever its value`;
  }
  return { errors, hints };
}

/** The query the API takes for these filters (only called once checkFilters found no errors). */
export function toQuery(f: Filters): BrowseQuery {
  const header = f.header.trim();
  const eq = header.indexOf('=');
  return {
    from: f.from,
    offset: f.from === 'offset' ? Number(f.offset) : undefined,
    time: f.from === 'time' && f.time ? String(new Date(f.time).getTime()) : undefined,
    partition: f.partition,
    key: f.key,
    header: eq < 0 ? header : `${header.slice(0, eq).trim()}=${header.slice(eq + 1)}`,
    eventType: f.eventType,
  };
}
