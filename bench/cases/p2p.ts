// p2p: one-to-one messages between N pairs of friends, each user on its own authenticated WebSocket. Latency is
// the recipient's receive time minus the sender's send time, at fixed offered rates, then the delivered rate at
// saturation (each sender keeps a window of sends in flight). The same load against the bare WebSocket relay,
// in the same run, is the baseline.
import type { LoadPhase, LoadRoute, LoadUser } from '../load/protocol';
import { RelayProcess } from '../relay/relay-process';
import { formatNumber, renderTable, type Cell } from '../report/table';
import { befriend, chatWsUrl, inParallel, registerUsers } from '../support/bench-users';
import { FreshAppliance } from '../support/fresh-appliance';
import { ratio } from '../support/stats';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { phaseLabel, runRouteLoad, type PhaseFigures, type TargetFigures } from './route-load';

const BODY_BYTES = 100;

interface P2pConfig {
  pairs: number;
  rates: number[];
  window: number;
  phaseMs: number;
  drainMs: number;
}

function configFor(quick: boolean): P2pConfig {
  return quick
    ? { pairs: 5, rates: [20, 100], window: 4, phaseMs: 1000, drainMs: 15_000 }
    : { pairs: 50, rates: [100, 1000, 3000], window: 10, phaseMs: 5000, drainMs: 15_000 };
}

function phasesOf(config: P2pConfig): LoadPhase[] {
  return [
    ...config.rates.map((ratePerSec): LoadPhase => ({
      kind: 'rate',
      ratePerSec,
      durationMs: config.phaseMs,
      drainMs: config.drainMs,
    })),
    { kind: 'window', window: config.window, durationMs: config.phaseMs, drainMs: config.drainMs },
  ];
}

/** Pair i: user 2i sends to user 2i+1. */
function pairsOf(users: LoadUser[]): LoadRoute[] {
  return Array.from({ length: users.length / 2 }, (_, i) => ({
    sender: 2 * i,
    to: { userId: (users[2 * i + 1] as LoadUser).userId },
    recipients: [2 * i + 1],
  }));
}

async function measureSystem(config: P2pConfig, options: CaseOptions): Promise<TargetFigures & { setupMs: number }> {
  const { progress } = options;
  progress.step(`system: starting a fresh appliance (embedded infra, ${options.gateways} gateway(s))`);
  const appliance = await FreshAppliance.start({
    gateways: options.gateways,
    onLine: (line) => progress.update(line),
  });
  try {
    const gateways = appliance.gatewayUrls();
    const first = gateways[0] as string;
    const setupStart = Date.now();
    progress.step(`system: registering ${config.pairs * 2} users and making ${config.pairs} friendships`);
    const users = await registerUsers(first, 'p2p', config.pairs * 2, (done) =>
      progress.update(`registered ${done} of ${config.pairs * 2}`),
    );
    await inParallel(config.pairs, 16, (i) => befriend(first, users[2 * i]!, users[2 * i + 1]!));
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
      phases: phasesOf(config),
      generators: options.generators,
      bodyBytes: BODY_BYTES,
      progress,
    });
    return { ...measured, setupMs };
  } finally {
    progress.step('system: gochat down');
    await appliance.stop();
  }
}

async function measureRelay(config: P2pConfig, options: CaseOptions): Promise<TargetFigures> {
  options.progress.step('relay: starting the bare WebSocket relay');
  const relay = await RelayProcess.start();
  try {
    const loadUsers: LoadUser[] = Array.from({ length: config.pairs * 2 }, (_, i) => ({
      userId: `u_relay${i}`,
      wsUrl: relay.wsUrl(`u_relay${i}`),
    }));
    return await runRouteLoad({
      target: 'relay',
      users: loadUsers,
      routes: pairsOf(loadUsers),
      phases: phasesOf(config),
      generators: options.generators,
      bodyBytes: BODY_BYTES,
      progress: options.progress,
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

function ratios(system: TargetFigures, relay: TargetFigures): RatioFigures[] {
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

/** Notes a reader needs: phases where the generator was the limit, and any message lost or duplicated. */
export function loadNotes(targets: TargetFigures[]): string[] {
  const notes: string[] = [];
  for (const target of targets) {
    for (const phase of target.warmup ? [target.warmup, ...target.phases] : target.phases) {
      const where = `${target.target} ${phase.label}`;
      if (phase.generator.limitedBy.length > 0) {
        notes.push(`${where}: the load generator may not have kept up (${phase.generator.limitedBy.join('; ')})`);
      }
      const { lost, duplicates, unanswered, errors } = phase.counts;
      if (lost > 0) notes.push(`${where}: ${lost} acked message(s) were never delivered`);
      if (duplicates > 0) notes.push(`${where}: ${duplicates} duplicate deliveries`);
      if (unanswered > 0) notes.push(`${where}: ${unanswered} send(s) got neither ack nor error`);
      const errorText = Object.entries(errors).map(([code, n]) => `${n} ${code}`);
      if (errorText.length > 0) notes.push(`${where}: errors: ${errorText.join(', ')}`);
    }
  }
  return notes;
}

function latencyCells(phase: PhaseFigures | undefined): Cell[] {
  if (!phase) return ['skipped', undefined, undefined, undefined];
  return [phase.deliveredPerSec, phase.latency.p50Ms, phase.latency.p99Ms, phase.latency.maxMs];
}

function times(value: number | undefined): Cell {
  return value === undefined ? undefined : `${formatNumber(value)} x`;
}

function tables(config: P2pConfig, system: TargetFigures, relay: TargetFigures, ratioRows: RatioFigures[]): string[] {
  const headers = ['load', 'system msgs/s', 'p50 ms', 'p99 ms', 'max ms', 'relay msgs/s', 'p50 ms', 'p99 ms'];
  headers.push('max ms', 'p50 x', 'p99 x', 'msgs/s x');
  const latency = renderTable(
    headers,
    phasesOf(config)
      .map(phaseLabel)
      .map((label) => {
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
  const counts = renderTable(
    [
      'target',
      'load',
      'sent',
      'acked',
      'delivered',
      'dup',
      'errors',
      'lost',
      'caught up after',
      'gen CPU',
      'generator',
    ],
    [system, relay].flatMap((target) =>
      target.phases.map((phase) => [
        target.target,
        phase.label,
        phase.counts.sent,
        phase.counts.acked,
        phase.counts.delivered,
        phase.counts.duplicates,
        Object.values(phase.counts.errors).reduce((a, b) => a + b, 0),
        phase.counts.lost,
        phase.caughtUpAfterMs === undefined ? 'never' : `${formatNumber(phase.caughtUpAfterMs / 1000, 1)} s`,
        `${Math.round(phase.generator.cpuFraction * 100)} %`,
        phase.generator.limitedBy.length > 0 ? 'LIMIT' : 'kept up',
      ]),
    ),
  );
  return [latency, counts];
}

export const p2pCase: BenchCase = {
  name: 'p2p',
  description:
    'one-to-one messages between N pairs: latency at fixed rates, delivered msgs/s at saturation, vs a bare relay',
  async run(options: CaseOptions): Promise<CaseResult> {
    const config = configFor(options.quick);
    const system = await measureSystem(config, options);
    const relay = await measureRelay(config, options);
    const ratioRows = ratios(system, relay);
    return {
      name: 'p2p',
      title:
        `p2p: ${config.pairs} pairs, ${BODY_BYTES}-byte bodies, ${options.gateways} gateway(s), ` +
        `${options.generators} load generator(s), ${config.phaseMs / 1000} s per load; x = system / relay`,
      figures: {
        config: { ...config, bodyBytes: BODY_BYTES, gateways: options.gateways, generators: options.generators },
        system,
        relay,
        ratios: ratioRows,
      },
      tables: tables(config, system, relay, ratioRows),
      notes: [
        ...loadNotes([system, relay]),
        ...[system, relay].flatMap((t) => t.skipped.map((s) => `${t.target} ${s.label} skipped: ${s.reason}`)),
      ],
    };
  },
};
