// tracing: what reporting spans costs. The p2p load at saturation (each sender keeps a window of sends in flight)
// on an appliance with tracing off (the default: services record no spans), then on one that exports every span to
// the supervisor for the flow view (GOCHAT_TRACING=on), in one run: delivered msgs/s and latency side by side.
import type { LoadPhase } from '../load/protocol';
import { formatNumber, renderTable, type Cell } from '../report/table';
import { ApplianceSource } from '../support/appliance-source';
import { ratio } from '../support/stats';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { measureSystem, type PairLoadPlan } from './pair-targets';
import { countsTable, loadNotes, type TargetFigures } from './route-load';

function planFor(quick: boolean, userPrefix: string): PairLoadPlan {
  const config = quick ? { pairs: 5, window: 4, durationMs: 1000 } : { pairs: 50, window: 10, durationMs: 5000 };
  const phases: LoadPhase[] = [
    { kind: 'window', window: config.window, durationMs: config.durationMs, drainMs: 15_000 },
  ];
  return { pairs: config.pairs, phases, userPrefix };
}

export interface TracingFigures {
  off: TargetFigures & { setupMs: number };
  on: TargetFigures & { setupMs: number };
  /** on / off of delivered msgs/s at saturation (1 = no cost). */
  deliveredRatio: number | undefined;
}

function row(label: string, target: TargetFigures): Cell[] {
  const phase = target.phases[0];
  return [label, phase?.deliveredPerSec, phase?.latency.p50Ms, phase?.latency.p99Ms, phase?.latency.maxMs];
}

export const tracingCase: BenchCase = {
  name: 'tracing',
  description: 'end-to-end msgs/s at saturation with tracing off (the default), then on, in one run',
  async run(options: CaseOptions): Promise<CaseResult> {
    const { progress, gateways } = options;
    progress.step('tracing off (the default): services record no spans');
    const off = await measureSystem(planFor(options.quick, 'troff'), options);
    progress.step('tracing on: every span exported to the supervisor (GOCHAT_TRACING=on)');
    const onSource = new ApplianceSource(gateways, false, progress, { GOCHAT_TRACING: 'on' });
    let on: TracingFigures['on'];
    try {
      on = await measureSystem(planFor(options.quick, 'tron'), { ...options, appliances: onSource });
    } finally {
      await onSource.close();
    }
    const figures: TracingFigures = {
      off,
      on,
      deliveredRatio: ratio(on.phases[0]?.deliveredPerSec ?? 0, off.phases[0]?.deliveredPerSec ?? 0),
    };
    const plan = planFor(options.quick, '');
    const table = renderTable(
      ['tracing', 'delivered msgs/s', 'p50 ms', 'p99 ms', 'max ms'],
      [row('off', off), row('on', on), ['on / off', figures.deliveredRatio, undefined, undefined, undefined]],
    );
    return {
      name: 'tracing',
      title:
        `tracing: p2p at saturation, ${plan.pairs} pairs, window ${String((plan.phases[0] as { window: number }).window)}, ` +
        `${options.gateways} gateway(s); span export off vs on (on / off = ${formatNumber(figures.deliveredRatio)})`,
      figures,
      tables: [table, countsTable([off, on])],
      notes: [
        ...loadNotes([off, on]),
        ...(options.quick ? ['quick run: "on" is the appliance shared by the quick cases, "off" a fresh one'] : []),
      ],
    };
  },
};
