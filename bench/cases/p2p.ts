// p2p: one-to-one messages between N pairs of friends, each user on its own authenticated WebSocket. Latency is
// the recipient's receive time minus the sender's send time, at fixed offered rates, then the delivered rate at
// saturation (each sender keeps a window of sends in flight). The same load against the bare WebSocket relay,
// in the same run, is the baseline.
import type { LoadPhase } from '../load/protocol';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { measurePairs, pairTables, type PairLoadPlan } from './pair-targets';
import { loadNotes } from './route-load';

function planFor(quick: boolean): PairLoadPlan & { phaseMs: number } {
  const config = quick
    ? { pairs: 5, rates: [20, 100], window: 4, phaseMs: 1000, drainMs: 15_000 }
    : { pairs: 50, rates: [100, 1000, 3000], window: 10, phaseMs: 5000, drainMs: 15_000 };
  const { phaseMs: durationMs, drainMs } = config;
  const phases: LoadPhase[] = [
    ...config.rates.map((ratePerSec): LoadPhase => ({ kind: 'rate', ratePerSec, durationMs, drainMs })),
    { kind: 'window', window: config.window, durationMs, drainMs },
  ];
  return {
    pairs: config.pairs,
    phases,
    userPrefix: 'p2p',
    phaseMs: config.phaseMs,
    // Fifteen seconds at saturation, untimed, system and relay alike: a just-started appliance runs on code V8 has
    // not optimised yet and heaps not yet sized for the load (its delivered rate at window 10 climbs for about
    // 15 s; with 3 s of warm-up the window-10 phase measured 0.62 ms of CPU a message, after 15 s 0.38 ms). What
    // the warm-up itself delivered is printed among the notes, so the cold figure stays in view.
    warmup: quick ? undefined : { kind: 'window', window: config.window, durationMs: 15_000, drainMs },
  };
}

export const p2pCase: BenchCase = {
  name: 'p2p',
  description:
    'one-to-one messages between N pairs: latency at fixed rates, delivered msgs/s at saturation, vs a bare relay',
  async run(options: CaseOptions): Promise<CaseResult> {
    const plan = planFor(options.quick);
    const figures = await measurePairs(plan, options);
    return {
      name: 'p2p',
      title:
        `p2p: ${plan.pairs} pairs, ${figures.config.bodyBytes}-byte bodies, ${options.gateways} gateway(s), ` +
        `${options.generators} load generator(s), ${plan.phaseMs / 1000} s per load; x = system / relay`,
      figures,
      tables: pairTables(plan, figures.system, figures.relay, figures.ratios),
      notes: loadNotes([figures.system, figures.relay]),
    };
  },
};
