// Runs a list of load phases over routes between chat connections (through the system's gateways or the relay
// baseline, the same generator code either way) and turns each phase's raw result into figures.
import { GeneratorFleet } from '../load/generator-process';
import type { LoadRoute, LoadPhase, LoadUser, PhaseCounts, PhaseResult, GeneratorHealth } from '../load/protocol';
import type { Progress } from '../support/progress';
import { summarizeLatencies, type LatencySummary } from '../support/stats';
import { formatNumber, renderTable } from '../report/table';
import { cpuBetween, markCpu, type TargetCpu } from '../support/target-cpu';

export interface PhaseFigures {
  label: string;
  phase: LoadPhase;
  sentPerSec: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  /** From the end of the phase until all its messages were answered and delivered; undefined: not in time. */
  caughtUpAfterMs: number | undefined;
  latency: LatencySummary;
  /** Where the latency went (LatencySplit, summarized); absent in figures from before 2026-12-03. */
  split?: { ack: LatencySummary; toStored: LatencySummary; storedToDelivered: LatencySummary };
  counts: PhaseCounts;
  generator: GeneratorHealth;
  /** The target's CPU over the phase and its drain, and the host's steal time; undefined where /proc is not. */
  targetCpu?: TargetCpu;
}

export interface TargetFigures {
  target: string;
  connectMs: number;
  /** Undefined when there are no routes to warm up. */
  warmup: PhaseFigures | undefined;
  phases: PhaseFigures[];
  /** Higher offered rates not run because the system already fell behind at a lower one. */
  skipped: { label: string; reason: string }[];
}

/** A fixed rate the system did not keep up with: higher rates would only pile up a longer backlog. */
function fellBehind(result: PhaseFigures): string | undefined {
  if (result.phase.kind !== 'rate') return undefined;
  if (result.caughtUpAfterMs === undefined) {
    return `the system had not caught up with ${result.label} ${(result.phase.drainMs / 1000).toFixed(0)} s after it`;
  }
  if (result.ackedPerSec < result.phase.ratePerSec * 0.5) {
    return `the system stored ${Math.round(result.ackedPerSec)}/s of ${result.label} offered`;
  }
  return undefined;
}

export function phaseLabel(phase: LoadPhase): string {
  if (phase.kind === 'rate') return `${phase.ratePerSec.toLocaleString('en-US')}/s`;
  return phase.kind === 'window' ? `window ${phase.window}` : 'online';
}

function figures(result: PhaseResult): PhaseFigures {
  return {
    label: result.label,
    phase: result.phase,
    sentPerSec: result.sentPerSec,
    ackedPerSec: result.ackedPerSec,
    deliveredPerSec: result.deliveredPerSec,
    caughtUpAfterMs: result.caughtUpAfterMs,
    latency: summarizeLatencies(result.latenciesMs),
    split: {
      ack: summarizeLatencies(result.split.ackMs),
      toStored: summarizeLatencies(result.split.toStoredMs),
      storedToDelivered: summarizeLatencies(result.split.storedToDeliveredMs),
    },
    counts: result.counts,
    generator: result.health,
  };
}

/**
 * Connects the users in `generators` processes, runs a warm-up (untimed: see `warmup`), then each phase in turn.
 */
export async function runRouteLoad(options: {
  target: string;
  users: LoadUser[];
  routes: LoadRoute[];
  phases: LoadPhase[];
  generators: number;
  bodyBytes: number;
  progress: Progress;
  /**
   * Untimed load before the phases. Default: a message per route (joins the consumer groups, but compiles little:
   * a case whose first timed phase must not run on code V8 has not optimised yet gives a longer one); false when
   * the one message is what is measured.
   */
  warmup?: LoadPhase | false;
  /** The target's processes (the appliance's tree, the relay), whose CPU is read around each phase. */
  targetPids?: () => number[];
}): Promise<TargetFigures> {
  const { target, progress } = options;
  progress.step(
    `${target}: connecting ${options.users.length} WebSockets from ${options.generators} load generator(s)`,
  );
  const connectStart = Date.now();
  const fleet = await GeneratorFleet.start(
    Math.max(1, Math.min(options.generators, options.routes.length)),
    options.users,
    options.routes,
    options.bodyBytes,
    (name, message) =>
      progress.update(
        `${target} ${message.label} (${name}): sent ${message.sent}, acked ${message.acked}, delivered ${message.delivered}`,
      ),
  );
  const connectMs = Date.now() - connectStart;
  try {
    // By default one message per route: the consumer groups have joined before anything is timed.
    const warmupPhase: LoadPhase | false = options.warmup ?? {
      kind: 'rate',
      ratePerSec: options.routes.length,
      durationMs: 1000,
      drainMs: 30_000,
    };
    const warmup =
      options.routes.length > 0 && warmupPhase !== false ? figures(await fleet.run('warm-up', warmupPhase)) : undefined;
    const warmupLine = warmup && warmupNote(target, warmup);
    if (warmupLine) progress.step(warmupLine);
    const phases: PhaseFigures[] = [];
    const skipped: { label: string; reason: string }[] = [];
    let behind: string | undefined;
    for (const phase of options.phases) {
      const label = phaseLabel(phase);
      if (behind !== undefined && phase.kind === 'rate') {
        skipped.push({ label, reason: behind });
        progress.step(`${target}: ${label} skipped: ${behind}`);
        continue;
      }
      progress.step(`${target}: ${label} for ${phase.durationMs / 1000} s`);
      const pids = options.targetPids?.() ?? [];
      const cpuBefore = markCpu(pids);
      const startMs = Date.now();
      const result = figures(await fleet.run(label, phase));
      const messages = result.counts.acked || result.counts.delivered;
      const targetCpu = cpuBetween(cpuBefore, markCpu(pids), messages, Date.now() - startMs);
      if (targetCpu) result.targetCpu = targetCpu;
      progress.step(
        `${target}: ${label}: ${Math.round(result.deliveredPerSec)} delivered/s, p50 ${result.latency.p50Ms.toFixed(1)} ms, ` +
          `p99 ${result.latency.p99Ms.toFixed(1)} ms${result.counts.lost > 0 ? `, ${result.counts.lost} LOST` : ''}`,
      );
      phases.push(result);
      behind ??= fellBehind(result);
    }
    return { target, connectMs, warmup, phases, skipped };
  } finally {
    await fleet.close();
  }
}

/** What a saturating warm-up delivered (untimed, but the just-started figure a reader may want); none for others. */
function warmupNote(target: string, warmup: PhaseFigures): string | undefined {
  if (warmup.phase.kind !== 'window') return undefined;
  return (
    `${target} warm-up (untimed, ${warmup.phase.durationMs / 1000} s at ${phaseLabel(warmup.phase)}, from just started): ` +
    `${Math.round(warmup.deliveredPerSec)} delivered/s`
  );
}

/**
 * Notes a reader needs: what a saturating warm-up delivered, phases where the generator was the limit, and any
 * message lost or duplicated.
 */
export function loadNotes(targets: TargetFigures[]): string[] {
  const notes: string[] = [];
  for (const target of targets) {
    const warmupLine = target.warmup && warmupNote(target.target, target.warmup);
    if (warmupLine) notes.push(warmupLine);
  }
  for (const target of targets) {
    for (const phase of target.warmup ? [target.warmup, ...target.phases] : target.phases) {
      const where = `${target.target} ${phase.label}`;
      if (phase.generator.limitedBy.length > 0) {
        notes.push(`${where}: the load generator may not have kept up (${phase.generator.limitedBy.join('; ')})`);
      }
      const { lost, duplicates, outOfOrder, unanswered, errors } = phase.counts;
      if (lost > 0) notes.push(`${where}: ${lost} deliveries of acked messages never came`);
      if (duplicates > 0) notes.push(`${where}: ${duplicates} duplicate deliveries`);
      if (outOfOrder > 0) notes.push(`${where}: ${outOfOrder} pushes out of seq order`);
      if (unanswered > 0) notes.push(`${where}: ${unanswered} send(s) never got an ack or an error`);
      if (phase.counts.late > 0) {
        notes.push(
          `${where}: ${phase.counts.late} answer(s) or deliveries came after the ${phase.phase.drainMs / 1000} s drain period`,
        );
      }
      const errorText = Object.entries(errors).map(([code, n]) => `${n} ${code}`);
      if (errorText.length > 0) notes.push(`${where}: errors: ${errorText.join(', ')}`);
    }
  }
  for (const target of targets) {
    for (const skipped of target.skipped) notes.push(`${target.target} ${skipped.label} skipped: ${skipped.reason}`);
  }
  return notes;
}

/** Per target and phase: what was sent, answered and received, whether the generator kept up, the target's CPU. */
export function countsTable(targets: TargetFigures[]): string {
  const headers = ['target', 'load', 'sent', 'acked', 'delivered', 'dup', 'order', 'errors', 'lost', 'late'];
  headers.push('caught up after', 'gen CPU', 'generator', 'target CPU/msg', 'target cores', 'host steal');
  return renderTable(
    headers,
    targets.flatMap((target) =>
      target.phases.map((phase) => [
        target.target,
        phase.label,
        phase.counts.sent,
        phase.counts.acked,
        phase.counts.delivered,
        phase.counts.duplicates,
        phase.counts.outOfOrder,
        Object.values(phase.counts.errors).reduce((a, b) => a + b, 0),
        phase.counts.lost,
        phase.counts.late,
        phase.caughtUpAfterMs === undefined ? 'never' : `${formatNumber(phase.caughtUpAfterMs / 1000, 1)} s`,
        `${Math.round(phase.generator.cpuFraction * 100)} %`,
        phase.generator.limitedBy.length > 0 ? 'LIMIT' : 'kept up',
        phase.targetCpu ? `${formatNumber(phase.targetCpu.perMessageMs, 2)} ms` : '-',
        phase.targetCpu ? formatNumber(phase.targetCpu.cores, 2) : '-',
        phase.targetCpu ? `${Math.round(phase.targetCpu.stealFraction * 100)} %` : '-',
      ]),
    ),
  );
}

/**
 * Per target and phase, where a message's time went: the sender's wait for its ack, and the way to the recipient
 * cut where the push says it was stored (`sentAtMs`: im-repo's time for the system, the relay's forwarding time).
 */
export function splitTable(targets: TargetFigures[]): string {
  const cells = (summary: LatencySummary | undefined): string[] =>
    summary && summary.count > 0 ? [formatNumber(summary.p50Ms, 1), formatNumber(summary.p99Ms, 1)] : ['-', '-'];
  return renderTable(
    [
      'target',
      'load',
      'send->ack p50 ms',
      'p99 ms',
      'send->stored p50 ms',
      'p99 ms',
      'stored->delivered p50 ms',
      'p99 ms',
    ],
    targets.flatMap((target) =>
      target.phases.map((phase) => [
        target.target,
        phase.label,
        ...cells(phase.split?.ack),
        ...cells(phase.split?.toStored),
        ...cells(phase.split?.storedToDelivered),
      ]),
    ),
  );
}
