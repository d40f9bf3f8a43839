// The console's one name cache: user and group ids (u_..., g_...) as the chat store names them, fetched in
// batches from /api/names when an id appears on screen that the cache does not know yet. Views show names with
// the id on hover (<Named>, <WithNames>), so a QA engineer reads "alice" and can still copy "u_3f2a...".
import { Fragment, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { api } from './api/client';

/** A user or group id as im-repo makes them; ids inside conversation ids ("p2p:u_a:u_b", "group:g_x") match too. */
export const ID_PATTERN = /\b[ug]_[A-Za-z0-9]{4,64}\b/g;
/** An id the store did not know is asked again after this long (a user created a moment ago may be new). */
const RETRY_MS = 3000;

const known = new Map<string, string>();
const askedAt = new Map<string, number>();
const waiting = new Set<string>();
const listeners = new Set<() => void>();
let version = 0;
let flushing = false;

function changed(): void {
  version++;
  for (const listener of listeners) listener();
}

/** Asks the API for every id queued since the last call, in one request. */
function flush(): void {
  if (flushing || waiting.size === 0) return;
  flushing = true;
  const ids = [...waiting].slice(0, 1000);
  for (const id of ids) waiting.delete(id);
  api.names(ids).then(
    (answer) => {
      flushing = false;
      for (const [id, name] of Object.entries(answer.names)) known.set(id, name);
      changed();
      flush();
    },
    () => {
      // Names are a courtesy: without them the ids stay on screen; they are asked again later.
      flushing = false;
      flush();
    },
  );
}

/** Queues the ids the cache does not know (and has not asked about lately) for one batched lookup. */
export function requestNames(ids: Iterable<string>): void {
  const now = Date.now();
  let added = false;
  for (const id of ids) {
    if (known.has(id) || waiting.has(id) || now - (askedAt.get(id) ?? -Infinity) < RETRY_MS) continue;
    askedAt.set(id, now);
    waiting.add(id);
    added = true;
  }
  if (added) queueMicrotask(flush);
}

/** Names learned elsewhere (a simulated client's own directory) go into the same cache. */
export function rememberNames(names: Record<string, string>): void {
  let added = false;
  for (const [id, name] of Object.entries(names))
    if (known.get(id) !== name) {
      known.set(id, name);
      added = true;
    }
  if (added) changed();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function idsIn(text: string): string[] {
  return [...text.matchAll(ID_PATTERN)].map((m) => m[0]);
}

/** The name of an id, or undefined while it is unknown; re-renders the caller when names arrive. */
export function useNames(ids: string[]): (id: string) => string | undefined {
  useSyncExternalStore(subscribe, () => version);
  const key = ids.join(',');
  useEffect(() => requestNames(key ? key.split(',') : []), [key]);
  return (id) => known.get(id);
}

/** The ids the cache knows by this name (a user and a group may share one); re-renders when names arrive. */
export function useIdsNamed(name: string): string[] {
  useSyncExternalStore(subscribe, () => version);
  const wanted = name.trim().toLowerCase();
  if (!wanted) return [];
  return [...known.entries()].filter(([, n]) => n.toLowerCase() === wanted).map(([id]) => id);
}

/** A name in place of an id, the id on hover; the id itself while the store does not know it. */
export function Named({ id, className }: { id: string; className?: string }) {
  const name = useNames([id])(id);
  return (
    <span className={`named ${className ?? ''}`} title={id} data-id={id}>
      {name ?? id}
    </span>
  );
}

/** Text with every user and group id in it shown as its name (the id on hover): record keys, notices, cells. */
export function WithNames({ text }: { text: string }) {
  const ids = idsIn(text);
  const name = useNames(ids);
  if (ids.length === 0) return <>{text}</>;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(ID_PATTERN)) {
    const id = match[0];
    parts.push(<Fragment key={`t${match.index}`}>{text.slice(at, match.index)}</Fragment>);
    parts.push(
      <span key={`n${match.index}`} className="named" title={id} data-id={id}>
        {name(id) ?? id}
      </span>,
    );
    at = match.index + id.length;
  }
  parts.push(<Fragment key="end">{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
