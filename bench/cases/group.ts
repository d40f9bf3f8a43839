// group: (1) a small group where every member is online and sends: stored msgs/s (acks) and fanned-out msgs/s
// (deliveries), and every member must get every other member's message exactly once and in seq order; (2) a
// large group with a tenth of its members online: one message, and the time until every online member has it.
// Both against the bare relay (which fans a group send out to the other connected members) as the baseline.
import type { LoadPhase, LoadRoute, LoadUser } from '../load/protocol';
import { RelayProcess } from '../relay/relay-process';
import { formatNumber, renderTable } from '../report/table';
import { chatWsUrl, type BenchUser } from '../support/bench-users';
import { seedUsers } from '../support/bulk-users';
import { ratio } from '../support/stats';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { countsTable, loadNotes, runRouteLoad, splitTable, type PhaseFigures, type TargetFigures } from './route-load';

interface GroupPlan {
  /**
   * Unacked sends each member keeps: a chat-like few (what one room's latency allows), then as many as the p2p
   * case's saturation phase keeps (what the system can store and fan out).
   */
  small: { members: number; ratePerSec: number; windows: number[]; phaseMs: number };
  large: { members: number; online: number };
  drainMs: number;
}

function planFor(quick: boolean): GroupPlan {
  return quick
    ? {
        small: { members: 5, ratePerSec: 10, windows: [2], phaseMs: 1000 },
        large: { members: 500, online: 50 },
        drainMs: 20_000,
      }
    : {
        small: { members: 20, ratePerSec: 20, windows: [2, 10], phaseMs: 5000 },
        large: { members: 5000, online: 500 },
        drainMs: 30_000,
      };
}

/** Every online member (the first `online` users) sends to the group and must receive everyone else's sends. */
function everyoneSends(online: number, groupId: string): LoadRoute[] {
  return Array.from({ length: online }, (_, sender) => ({
    sender,
    to: { groupId },
    recipients: Array.from({ length: online }, (_, i) => i).filter((i) => i !== sender),
  }));
}

/** Member 0 sends once; the other online members must receive it. */
function oneSender(online: number, groupId: string): LoadRoute[] {
  return [{ sender: 0, to: { groupId }, recipients: Array.from({ length: online - 1 }, (_, i) => i + 1) }];
}

interface Targets {
  small: TargetFigures;
  large: TargetFigures;
}

/** The two loads against one set of connections per group: the system's gateways or the relay. */
async function measure(
  target: string,
  plan: GroupPlan,
  connect: (group: 'small' | 'large', index: number) => LoadUser,
  groupIds: { small: string; large: string },
  options: CaseOptions,
  targetPids: () => number[],
): Promise<Targets> {
  const { small, large } = plan;
  const smallPhases: LoadPhase[] = [
    { kind: 'rate', ratePerSec: small.ratePerSec, durationMs: small.phaseMs, drainMs: plan.drainMs },
    ...small.windows.map((window): LoadPhase => ({
      kind: 'window',
      window,
      durationMs: small.phaseMs,
      drainMs: plan.drainMs,
    })),
  ];
  const smallFigures = await runRouteLoad({
    target: `${target} ${small.members}-member group`,
    users: Array.from({ length: small.members }, (_, i) => connect('small', i)),
    routes: everyoneSends(small.members, groupIds.small),
    phases: smallPhases,
    generators: 1,
    bodyBytes: 100,
    progress: options.progress,
    targetPids,
  });
  const largeFigures = await runRouteLoad({
    target: `${target} ${large.members}-member group`,
    users: Array.from({ length: large.online }, (_, i) => connect('large', i)),
    routes: oneSender(large.online, groupIds.large),
    phases: [{ kind: 'rate', ratePerSec: 1, durationMs: 1000, drainMs: plan.drainMs }],
    generators: 1,
    bodyBytes: 100,
    progress: options.progress,
    warmup: false,
    targetPids,
  });
  return { small: smallFigures, large: largeFigures };
}

async function measureSystem(plan: GroupPlan, options: CaseOptions): Promise<Targets & { setupMs: number }> {
  const { progress } = options;
  const appliance = await options.appliances.acquire();
  try {
    const setupStart = Date.now();
    const { small, large } = plan;
    progress.step(`system: seeding a ${small.members}-member and a ${large.members}-member group`);
    const everyone = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
    const smallSeed = await seedUsers(appliance, {
      prefix: 'gs',
      count: small.members,
      groups: [{ name: 'small', owner: 0, members: everyone(small.members) }],
    });
    const largeSeed = await seedUsers(appliance, {
      prefix: 'gl',
      count: large.members,
      groups: [{ name: 'large', owner: 0, members: everyone(large.members) }],
    });
    const setupMs = Date.now() - setupStart;
    const gateways = appliance.gatewayUrls();
    const user = (seeded: BenchUser[], i: number): LoadUser => ({
      userId: (seeded[i] as BenchUser).userId,
      wsUrl: chatWsUrl(gateways[i % gateways.length] as string, seeded[i] as BenchUser),
    });
    const measured = await measure(
      'system',
      plan,
      (group, i) => user(group === 'small' ? smallSeed.users : largeSeed.users, i),
      { small: smallSeed.groupIds[0] as string, large: largeSeed.groupIds[0] as string },
      options,
      () => appliance.pids(),
    );
    return { ...measured, setupMs };
  } finally {
    await options.appliances.release(appliance);
  }
}

async function measureRelay(plan: GroupPlan, options: CaseOptions): Promise<Targets> {
  options.progress.step('relay: starting the bare WebSocket relay');
  const relay = await RelayProcess.start();
  try {
    return await measure(
      'relay',
      plan,
      (group, i) => ({ userId: `u_${group}${i}`, wsUrl: relay.wsUrl(`u_${group}${i}`, [`g_${group}`]) }),
      { small: 'g_small', large: 'g_large' },
      options,
      () => relay.pids(),
    );
  } finally {
    await relay.stop();
  }
}

function smallTable(system: TargetFigures, relay: TargetFigures): string {
  const rows = system.phases.map((phase) => {
    const base = relay.phases.find((p) => p.label === phase.label);
    return [
      phase.label,
      phase.ackedPerSec,
      phase.deliveredPerSec,
      phase.latency.p50Ms,
      phase.latency.p99Ms,
      base?.ackedPerSec,
      base?.deliveredPerSec,
      base?.latency.p50Ms,
      base?.latency.p99Ms,
      times(ratio(phase.deliveredPerSec, base?.deliveredPerSec ?? 0)),
      times(ratio(phase.latency.p99Ms, base?.latency.p99Ms ?? 0)),
    ];
  });
  const headers = ['load', 'stored/s', 'fanned out/s', 'p50 ms', 'p99 ms', 'relay stored/s', 'fanned out/s'];
  headers.push('p50 ms', 'p99 ms', 'fan-out x', 'p99 x');
  return renderTable(headers, rows);
}

function times(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${formatNumber(value)} x`;
}

function largeTable(plan: GroupPlan, system: PhaseFigures | undefined, relay: PhaseFigures | undefined): string {
  const cells = (p: PhaseFigures | undefined) => [p?.counts.delivered, p?.latency.p50Ms, p?.latency.maxMs];
  return renderTable(
    ['group', 'online', 'system got it', 'p50 ms', 'all had it ms', 'relay got it', 'p50 ms', 'all had it ms', 'x'],
    [
      [
        `${plan.large.members} members`,
        plan.large.online,
        ...cells(system),
        ...cells(relay),
        times(ratio(system?.latency.maxMs ?? 0, relay?.latency.maxMs ?? 0)),
      ],
    ],
  );
}

export const groupCase: BenchCase = {
  name: 'group',
  description: 'group messages: everyone in a small group sends; one message to a large group; vs a bare relay',
  async run(options: CaseOptions): Promise<CaseResult> {
    const plan = planFor(options.quick);
    const system = await measureSystem(plan, options);
    const relay = await measureRelay(plan, options);
    const everyoneHadIt = system.large.phases[0]?.latency.maxMs;
    return {
      name: 'group',
      title:
        `group: ${plan.small.members} members all online and sending (${plan.small.phaseMs / 1000} s per load); ` +
        `one message to ${plan.large.members} members with ${plan.large.online} online; x = system / relay`,
      figures: {
        plan,
        system,
        relay,
        smallGroup: {
          window: plan.small.windows.at(-1) ?? 0,
          storedPerSec: system.small.phases.at(-1)?.ackedPerSec ?? 0,
          fannedOutPerSec: system.small.phases.at(-1)?.deliveredPerSec ?? 0,
          relayFannedOutPerSec: relay.small.phases.at(-1)?.deliveredPerSec ?? 0,
        },
        largeGroup: { everyOnlineMemberHadItMs: everyoneHadIt, relayMs: relay.large.phases[0]?.latency.maxMs },
      },
      tables: [
        smallTable(system.small, relay.small),
        largeTable(plan, system.large.phases[0], relay.large.phases[0]),
        splitTable([system.small, relay.small]),
        countsTable([system.small, system.large, relay.small, relay.large]),
      ],
      notes: loadNotes([system.small, system.large, relay.small, relay.large]),
    };
  },
};
