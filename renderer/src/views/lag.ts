// Consumer-group lag as the views show it: the groups with their lag now and a trend per group, kept live from the
// server's lag samples (one a second), and which supervised process and map node each group belongs to.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GroupInfo, LagSample } from '../api/types';
import { useLive } from '../hooks';

const KEEP = 150;

export interface GroupLag {
  groups: GroupInfo[];
  history: LagSample[];
  error: string | null;
}

export function useGroupLag(): GroupLag {
  const [groups, setGroups] = useState<GroupInfo[]>([]);
  const [history, setHistory] = useState<LagSample[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.groups().then(
      (r) => {
        setGroups(r.groups);
        setHistory(r.history.slice(-KEEP));
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useLive((m) => {
    if (m.type !== 'lag') return;
    setGroups(m.groups);
    setHistory((h) => [...h.slice(-(KEEP - 1)), m.sample]);
  });
  return { groups, history, error };
}

/** The groups a supervised process runs: im-logic, im-task, and a gateway's im-gateway.<its id>. */
export function groupsOfService(service: string, groups: GroupInfo[]): GroupInfo[] {
  return groups.filter((g) => g.groupId === service || g.groupId === `im-gateway.${service}`);
}

/** The map node a group's consumers are drawn as. */
export function nodeOfGroup(groupId: string): string {
  return groupId.startsWith('im-gateway.') ? 'im-gateway' : groupId;
}

export function totalLag(groups: GroupInfo[], topic?: string): number {
  let sum = 0;
  for (const g of groups) for (const p of g.partitions) if (!topic || p.topic === topic) sum += p.lag;
  return sum;
}

/** Lag per map edge, keyed "topic>node" (a topic's records waiting for the node that consumes them). */
export function lagByEdge(groups: GroupInfo[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of groups) {
    for (const p of g.partitions) {
      const key = `${p.topic}>${nodeOfGroup(g.groupId)}`;
      out[key] = (out[key] ?? 0) + p.lag;
    }
  }
  return out;
}

/** One process's total lag over time, oldest first. */
export function lagTrend(history: LagSample[], groupIds: string[]): number[] {
  return history.map((s) => groupIds.reduce((sum, id) => sum + (s.lag[id] ?? 0), 0));
}
