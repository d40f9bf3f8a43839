// The live tail of one topic: records as they are appended, a pause that keeps what arrives meanwhile, and the
// records the server had to drop while this console was congested fetched back by offset (none is lost).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, live } from '../../api/client';
import type { RecordSummary } from '../../api/types';
import { useLive } from '../../hooks';
import type { Filters } from './filters';

export const SHOWN = 500;

export interface TailStats {
  received: number;
  /** Per partition: lowest and highest offset received and how many. */
  partitions: Record<number, { first: number; last: number; count: number }>;
}

export function missingOf(stats: TailStats): number {
  return Object.values(stats.partitions).reduce((sum, p) => sum + (p.last - p.first + 1 - p.count), 0);
}

function matchesTail(r: RecordSummary, f: Filters): boolean {
  if (f.partition !== 'all' && r.partition !== f.partition) return false;
  if (f.key && !(r.key ?? '').includes(f.key)) return false;
  if (f.eventType && r.eventType !== f.eventType) return false;
  const header = f.header.trim();
  if (
    header.startsWith('traceparent=') &&
    !(r.traceId ?? '').includes(header.slice('traceparent='.length).split('-')[1] ?? header.slice(12))
  )
    return false;
  return true;
}

export function useTail(
  topic: string,
  filters: Filters,
  setRows: (update: (rows: RecordSummary[]) => RecordSummary[]) => void,
  onError: (message: string) => void,
) {
  const [tailing, setTailing] = useState(false);
  const [subscribed, setSubscribed] = useState(false);
  const [paused, setPaused] = useState(false);
  const [stats, setStats] = useState<TailStats>({ received: 0, partitions: {} });
  const heldRef = useRef<RecordSummary[]>([]);
  const [held, setHeld] = useState(0);

  useEffect(() => {
    if (!tailing) return;
    return live.subscribe('records', topic);
  }, [tailing, topic]);

  const accept = useCallback(
    (records: RecordSummary[]) => {
      const kept = records.filter((r) => matchesTail(r, filters));
      if (kept.length === 0) return;
      setStats((s) => {
        const partitions = { ...s.partitions };
        for (const r of kept) {
          const p = partitions[r.partition];
          partitions[r.partition] = p
            ? { first: Math.min(p.first, r.offset), last: Math.max(p.last, r.offset), count: p.count + 1 }
            : { first: r.offset, last: r.offset, count: 1 };
        }
        return { received: s.received + kept.length, partitions };
      });
      setRows((existing) => [...existing, ...kept].slice(-SHOWN));
    },
    [filters, setRows],
  );

  // read by refill() between awaits, where the rendered value would be stale
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  const take = (records: RecordSummary[]) => {
    if (pausedRef.current) {
      heldRef.current.push(...records);
      setHeld(heldRef.current.length);
    } else accept(records);
  };

  const refill = async (p: number, fromOffset: number, toOffset: number): Promise<void> => {
    let next = fromOffset;
    while (next <= toOffset) {
      const result = await api
        .browse(topic, { from: 'offset', offset: next, partition: p, limit: Math.min(1000, toOffset - next + 1) })
        .catch((e: unknown) => {
          onError(`could not fetch records missed during a burst: ${e instanceof Error ? e.message : String(e)}`);
          return null;
        });
      if (!result || result.records.length === 0) return;
      const got = result.records.filter((r) => r.offset <= toOffset);
      take(got);
      next = got[got.length - 1]!.offset + 1;
    }
  };

  useLive((m) => {
    if (m.type === 'subscribed') setSubscribed(m.records.includes(topic));
    if (!tailing) return;
    if (m.type === 'records') take(m.records.filter((r) => r.topic === topic));
    else if (m.type === 'gap')
      // The server dropped records while this console was congested: fetch exactly those back by offset.
      for (const range of m.ranges.filter((r) => r.topic === topic))
        void refill(range.partition, range.fromOffset, range.toOffset);
  });

  const resume = () => {
    const pending = heldRef.current;
    heldRef.current = [];
    setHeld(0);
    setPaused(false);
    accept(pending);
  };

  const start = () => {
    setRows(() => []);
    setStats({ received: 0, partitions: {} });
    heldRef.current = [];
    setHeld(0);
    setPaused(false);
    setTailing(true);
  };

  // Space pauses and resumes a running tail (not while typing in a field or on a button).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (
        event.key !== ' ' ||
        !tailing ||
        (target && ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName))
      )
        return;
      event.preventDefault();
      if (pausedRef.current) resume();
      else setPaused(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return {
    tailing,
    subscribed,
    paused,
    held,
    stats,
    missing: missingOf(stats),
    start,
    stop: () => setTailing(false),
    pause: () => setPaused(true),
    resume,
  };
}
