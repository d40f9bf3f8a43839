// What is in flight right now, from the simulated clients' own view of their sends: sends still waiting for
// their ack (and what they wait for), and sends acked (stored) that no recipient has received yet. Kept live from
// the client updates the API pushes.
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ClientView } from '../../api/types';
import { useLive } from '../../hooks';

export interface InFlight {
  /** Sends without an ack yet. */
  sending: number;
  /** Acked (stored with a seq) and not yet received by any recipient. */
  undelivered: number;
  /** What the waiting sends wait for, as their bubbles say it ("im-logic is stopped", ...), most common first. */
  reasons: string[];
  /** False until the first answer: the numbers are not yet known. */
  known: boolean;
}

export function inFlightOf(clients: Iterable<ClientView>): Omit<InFlight, 'known'> {
  let sending = 0;
  let undelivered = 0;
  const reasons = new Map<string, number>();
  for (const client of clients)
    for (const conversation of client.conversations)
      for (const m of conversation.messages) {
        // Each message counted once: on its sender's side.
        if (m.senderId !== client.userId) continue;
        if (m.status === 'sending') {
          sending++;
          if (m.waitingFor) reasons.set(m.waitingFor, (reasons.get(m.waitingFor) ?? 0) + 1);
        } else if (m.status === 'sent') undelivered++;
      }
  return { sending, undelivered, reasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([r]) => r) };
}

export function useInFlight(): InFlight {
  const [clients, setClients] = useState<Map<string, ClientView> | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.clients().then(
      (r) => {
        if (!cancelled) setClients((now) => now ?? new Map(r.clients.map((c) => [c.username, c])));
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);
  useLive((m) => {
    if (m.type !== 'client' && m.type !== 'client-removed') return;
    setClients((previous) => {
      const next = new Map(previous ?? []);
      if (m.type === 'client') next.set(m.client.username, m.client);
      else next.delete(m.username);
      return next;
    });
  });
  return { ...inFlightOf(clients?.values() ?? []), known: clients !== null };
}
