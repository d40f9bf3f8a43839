// Small hooks shared by the views: a call with its loading/error state, live messages, the clock for relative
// timestamps, and the timestamp mode.
import { createContext, useCallback, useContext, useEffect, useEffectEvent, useState } from 'react';
import { live } from './api/client';
import type { LiveMessage } from './api/types';

export interface AsyncState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads once, again whenever `load` changes, and on reload(). `load` must keep its identity between renders: a
 * module-level function or a useCallback whose dependency list the linter checks at the call site.
 */
export function useAsync<T>(load: () => Promise<T>): AsyncState<T> {
  const [tick, setTick] = useState(0);
  // The last settled call and which (load, tick) it answered; loading is whatever has not settled yet.
  const [settled, setSettled] = useState<{
    load: () => Promise<T>;
    tick: number;
    data: T | null;
    error: string | null;
  } | null>(null);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (data) => {
        if (!cancelled) setSettled({ load, tick, data, error: null });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message = error instanceof Error ? error.message : String(error);
        // keep the last data on screen beside the error
        setSettled((s) => ({ load, tick, data: s?.data ?? null, error: message }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [load, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return {
    data: settled?.data ?? null,
    error: settled?.error ?? null,
    loading: settled === null || settled.load !== load || settled.tick !== tick,
    reload,
  };
}

/** Calls the latest `handler` for each live message, subscribed once for the component's life. */
export function useLive(handler: (message: LiveMessage) => void): void {
  const onMessage = useEffectEvent(handler);
  useEffect(() => live.on((message) => onMessage(message)), []);
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export const AbsoluteTimeContext = createContext(false);

export function useAbsoluteTime(): boolean {
  return useContext(AbsoluteTimeContext);
}

/** Runs an action, keeping its error beside the control that started it. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run: (action: () => Promise<unknown>) => void;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback((action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    action().then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
