// The session timeline: what happened since this console opened (presence changes, service faults and recoveries,
// seed-flow runs, hand-produced records, gateway restarts and the reconnects they cause). It lives at app level,
// fed from the live connection from the start, so no view forgets it when the user navigates away.
import { useSyncExternalStore } from 'react';
import { api, live } from './api/client';
import type { ClientView, FlowRun, LiveMessage, PresenceChange, TimelineEvent } from './api/types';

export type SessionKind = 'presence' | 'service' | 'seed-flow' | 'produce' | 'reconnect' | 'disconnect';

export interface SessionEntry {
  /** Increasing; a service event pushed again under the same id replaces the earlier entry. */
  key: string;
  atMs: number;
  kind: SessionKind;
  text: string;
  /** The user the entry is about, shown by name (with the id on hover). */
  userId?: string;
  traceId?: string | null;
  ok?: boolean;
}

const KEPT = 500;
const PRESENCE_KEPT = 200;

class SessionStore {
  private entries: SessionEntry[] = [];
  private presence: PresenceChange[] = [];
  private runs: FlowRun[] = [];
  private names = new Map<string, string>();
  private connected = new Map<string, boolean>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = (): number => this.version;

  list(): SessionEntry[] {
    return this.entries;
  }
  presenceChanges(): PresenceChange[] {
    return this.presence;
  }
  flowRuns(): FlowRun[] {
    return this.runs;
  }

  /** A seed-flow run: its result stays in the Clients view and on the timeline, linked to its first flow. */
  addRun(run: FlowRun): void {
    this.runs = [run, ...this.runs].slice(0, 5);
    const failed = run.steps.find((s) => !s.ok);
    this.add({
      key: `seed-flow:${run.flow}:${Date.now()}`,
      atMs: Date.now(),
      kind: 'seed-flow',
      ok: run.ok,
      text: `seed flow ${run.flow} ${run.ok ? 'passed' : `failed: ${failed?.label ?? ''} — ${failed?.detail ?? ''}`}`,
      traceId: run.steps.find((s) => s.traceId)?.traceId ?? null,
    });
  }

  nameOf(userId: string): string | undefined {
    return this.names.get(userId);
  }

  add(entry: SessionEntry): void {
    const others = this.entries.filter((e) => e.key !== entry.key);
    this.entries = [...others, entry].sort((a, b) => a.atMs - b.atMs).slice(-KEPT);
    this.changed();
  }

  learnNames(names: Record<string, string>): void {
    let learned = false;
    for (const [id, name] of Object.entries(names))
      if (this.names.get(id) !== name) {
        this.names.set(id, name);
        learned = true;
      }
    if (learned) this.changed();
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  serviceEvent(e: TimelineEvent): void {
    this.add({ key: `service:${e.id}`, atMs: e.atMs, kind: 'service', text: `${e.service}: ${e.kind} — ${e.text}` });
  }

  client(c: ClientView): void {
    this.learnNames({ ...c.names, [c.userId]: c.username });
    const before = this.connected.get(c.username);
    this.connected.set(c.username, c.connected);
    // A panel seen for the first time is no reconnect; a flip of an existing one is (a gateway restart shows here).
    if (before === undefined || before === c.connected) return;
    this.add({
      key: `client:${c.username}:${Date.now()}`,
      atMs: Date.now(),
      kind: c.connected ? 'reconnect' : 'disconnect',
      userId: c.userId,
      text: c.connected
        ? `reconnected through ${c.gatewayId}`
        : `lost its connection to ${c.gatewayId}${c.lastError ? ` (${c.lastError})` : ''}`,
    });
  }

  onLive = (m: LiveMessage): void => {
    if (m.type === 'timeline') this.serviceEvent(m.event);
    else if (m.type === 'client') this.client(m.client);
    else if (m.type === 'presence') {
      const c = m.change;
      this.presence = [c, ...this.presence].slice(0, PRESENCE_KEPT);
      this.add({
        key: `presence:${c.connId}:${c.status}:${c.atMs}`,
        atMs: c.atMs,
        kind: 'presence',
        userId: c.userId,
        text: `${c.status} on ${c.gatewayId}${c.reason ? ` (${c.reason})` : ''}`,
        traceId: c.traceId,
      });
    } else if (m.type === 'hello') {
      // Faults from before this console opened (or before a reconnect of the live connection).
      api.timeline().then(
        (r) => r.events.forEach((e) => this.serviceEvent(e)),
        () => undefined,
      );
      api.clients().then(
        (r) => r.clients.forEach((c) => this.client(c)),
        () => undefined,
      );
    }
  };
}

export const session = new SessionStore();
live.on(session.onLive);

/** Re-renders the caller on every change of the session store. */
export function useSession(): SessionStore {
  useSyncExternalStore(session.subscribe, session.getVersion);
  return session;
}
