// The two targets of the one-to-one message cases (p2p, pipeline): pairs of friends on a fresh appliance, and
// the same pairs on the bare WebSocket relay, measured one after the other with the same load generator code.
import type { LoadPhase, LoadRoute, LoadUser } from '../load/protocol';
import { RelayProcess } from '../relay/relay-process';
import { formatNumber, renderTable, type Cell } from '../report/table';
import { chatWsUrl } from '../support/bench-users';
import { seedUsers } from '../support/bulk-users';
import { ratio } from '../support/stats';
import type { CaseOptions } from './bench-case';
import { countsTable, phaseLabel, runRouteLoad, splitTable, type PhaseFigures, type TargetFigures } from './route-load';

const BODY_BYTES = 100;

/** Pair i: user 2i sends to user 2i+1. */
export function pairsOf(users: LoadUser[]): LoadRoute[] {
  return Array.from({ length: users.length / 2 }, (_, i) => ({
    sender: 2 * i,
    to: { userId: (users[2 * i + 1] as LoadUser).userId },
    recipients: [2 * i + 1],
  }));
}

export interface PairLoadPlan {
  pairs: number;
  phases: LoadPhase[];
  /** Prefix of the bench users' names (unique per case). */
  userPrefix: string;
  /** Untimed load before the phases, the same for the system and the relay (default: a message per pair). */
  warmup?: LoadPhase;
}

export async function measureSystem(
  plan: PairLoadPlan,
  options: CaseOptions,
): Promise<TargetFigures & { setupMs: number }> {
  const { progress } = options;
  const appliance = await options.appliances.acquire();
  try {
    const gateways = appliance.gatewayUrls();
    const setupStart = Date.now();
    progress.step(`system: seeding ${plan.pairs * 2} users and ${plan.pairs} friendships`);
    const { users } = await seedUsers(appliance, {
      prefix: plan.userPrefix,
      count: plan.pairs * 2,
      friendships: Array.from({ length: plan.pairs }, (_, i): [number, number] => [2 * i, 2 * i + 1]),
    });
    const setupMs = Date.now() - setupStart;
    // With several gateways, user i connects to gateway i mod N: a pair's two users are on different gateways.
    const loadUsers: LoadUser[] = users.map((user, i) => ({
      userId: user.userId,
      wsUrl: chatWsUrl(gateways[i % gateways.length] as string, user),
    }));
    const measured = await runRouteLoad({
      target: 'system',
      users: loadUsers,
      routes: pairsOf(loadUsers),
      phases: plan.phases,
      warmup: plan.warmup,
      generators: options.generators,
      bodyBytes: BODY_BYTES,
      progress,
      targetPids: () => appliance.pids(),
    });
    return { ...measured, setupMs };
  } finally {
    await options.appliances.release(appliance);
  }
}

async function measureRelay(plan: PairLoadPlan, options: CaseOptions): Promise<TargetFigures> {
  options.progress.step('relay: starting the bare WebSocket relay');
  const relay = await RelayProcess.start();
  try {
    const loadUsers: LoadUser[] = Array.from({ length: plan.pairs * 2 }, (_, i) => ({
      userId: `u_relay${i}`,
      wsUrl: relay.wsUrl(`u_relay${i}`),
    }));
    return await runRouteLoad({
      target: 'relay',
      users: loadUsers,
      routes: pairsOf(loadUsers),
      phases: plan.phases,
      warmup: plan.warmup,
      generators: options.generators,
      bodyBytes: BODY_BYTES,
      progress: options.progress,
      targetPids: () => relay.pids(),
    });
  } finally {
    await relay.stop();
  }
}

export interface RatioFigures {
  label: string;
  p50: number | undefined;
  p99: number | undefined;
  deliveredPerSec: number | undefined;
}

export function ratios(system: TargetFigures, relay: TargetFigures): RatioFigures[] {
  return system.phases.flatMap((phase) => {
    const base = relay.phases.find((other) => other.label === phase.label);
    if (!base) return [];
    return {
      label: phase.label,
      p50: ratio(phase.latency.p50Ms, base.latency.p50Ms),
      p99: ratio(phase.latency.p99Ms, base.latency.p99Ms),
      deliveredPerSec: ratio(phase.deliveredPerSec, base.deliveredPerSec),
    };
  });
}

function latencyCells(phase: PhaseFigures | undefined): Cell[] {
  if (!phase) return ['skipped', undefined, undefined, undefined];
  return [phase.deliveredPerSec, phase.latency.p50Ms, phase.latency.p99Ms, phase.latency.maxMs];
}

function times(value: number | undefined): Cell {
  return value === undefined ? undefined : `${formatNumber(value)} x`;
}

export function pairTables(
  plan: PairLoadPlan,
  system: TargetFigures,
  relay: TargetFigures,
  ratioRows: RatioFigures[],
): string[] {
  const headers = ['load', 'system msgs/s', 'p50 ms', 'p99 ms', 'max ms', 'relay msgs/s', 'p50 ms', 'p99 ms'];
  headers.push('max ms', 'p50 x', 'p99 x', 'msgs/s x');
  const latency = renderTable(
    headers,
    plan.phases.map(phaseLabel).map((label) => {
      const r = ratioRows.find((row) => row.label === label);
      return [
        label,
        ...latencyCells(system.phases.find((p) => p.label === label)),
        ...latencyCells(relay.phases.find((p) => p.label === label)),
        times(r?.p50),
        times(r?.p99),
        times(r?.deliveredPerSec),
      ];
    }),
  );
  return [latency, splitTable([system, relay]), countsTable([system, relay])];
}

export interface PairFigures {
  config: { pairs: number; bodyBytes: number; gateways: number; generators: number };
  system: TargetFigures & { setupMs: number };
  relay: TargetFigures;
  ratios: RatioFigures[];
}

/** The system first, then the relay once the appliance is down, so that neither shares the machine with the other. */
export async function measurePairs(plan: PairLoadPlan, options: CaseOptions): Promise<PairFigures> {
  const system = await measureSystem(plan, options);
  const relay = await measureRelay(plan, options);
  return {
    config: { pairs: plan.pairs, bodyBytes: BODY_BYTES, gateways: options.gateways, generators: options.generators },
    system,
    relay,
    ratios: ratios(system, relay),
  };
}
