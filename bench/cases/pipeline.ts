// pipeline: one connection sending as fast as its acks allow (a large window of sends in flight) to one friend:
// how many messages one client can get stored per second, against the same on the bare relay.
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { measurePairs, pairTables, type PairLoadPlan } from './pair-targets';
import { loadNotes } from './route-load';

function planFor(quick: boolean): PairLoadPlan {
  const durationMs = quick ? 1000 : 5000;
  const window = quick ? 20 : 100;
  return {
    pairs: 1,
    phases: [{ kind: 'window', window, durationMs, drainMs: 30_000 }],
    userPrefix: 'pipe',
    // Two seconds of the same load, untimed: measured from cold, the 5 s phase ran at about half its warm rate.
    warmup: quick ? undefined : { kind: 'window', window, durationMs: 2000, drainMs: 30_000 },
  };
}

export const pipelineCase: BenchCase = {
  name: 'pipeline',
  description: 'one connection sending with a large window of unacked sends: acked msgs/s, vs a bare relay',
  async run(options: CaseOptions): Promise<CaseResult> {
    const plan = planFor(options.quick);
    const figures = await measurePairs(plan, { ...options, generators: 1 });
    const phase = figures.system.phases[0];
    const base = figures.relay.phases[0];
    const summary = `acked ${Math.round(phase?.ackedPerSec ?? 0)} msgs/s (relay ${Math.round(base?.ackedPerSec ?? 0)})`;
    return {
      name: 'pipeline',
      title: `pipeline: one connection, ${plan.phases[0]?.kind === 'window' ? plan.phases[0].window : 0} sends in flight, ${(plan.phases[0]?.durationMs ?? 0) / 1000} s: ${summary}; x = system / relay`,
      figures: { ...figures, ackedPerSec: phase?.ackedPerSec ?? 0, relayAckedPerSec: base?.ackedPerSec ?? 0 },
      tables: pairTables(plan, figures.system, figures.relay, figures.ratios),
      notes: loadNotes([figures.system, figures.relay]),
    };
  },
};
