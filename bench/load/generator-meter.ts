// How busy a load generator was during a phase: its CPU share, its event loop delay and how far its schedule
// fell behind. A figure measured while the generator was saturated is the generator's limit, not the system's.
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorHealth } from './protocol';

/** Above these the generator says it may not have kept up. */
const LIMITS = { cpuFraction: 0.9, eventLoopDelayP99Ms: 50, scheduleLagMs: 50 };

export class GeneratorMeter {
  private readonly cpuStart = process.cpuUsage();
  private readonly wallStart = performance.now();
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.delay.enable();
  }

  stop(maxScheduleLagMs: number): GeneratorHealth {
    this.delay.disable();
    const cpu = process.cpuUsage(this.cpuStart);
    const wallMs = Math.max(1, performance.now() - this.wallStart);
    const cpuFraction = (cpu.user + cpu.system) / 1000 / wallMs;
    const eventLoopDelayP99Ms = this.delay.percentile(99) / 1e6;
    const eventLoopDelayMaxMs = this.delay.max / 1e6;
    const limitedBy: string[] = [];
    if (cpuFraction > LIMITS.cpuFraction) limitedBy.push(`generator CPU at ${Math.round(cpuFraction * 100)} %`);
    if (eventLoopDelayP99Ms > LIMITS.eventLoopDelayP99Ms) {
      limitedBy.push(`generator event loop delay p99 ${eventLoopDelayP99Ms.toFixed(0)} ms`);
    }
    if (maxScheduleLagMs > LIMITS.scheduleLagMs) {
      limitedBy.push(`generator fell ${maxScheduleLagMs.toFixed(0)} ms behind its schedule`);
    }
    return { cpuFraction, eventLoopDelayP99Ms, eventLoopDelayMaxMs, maxScheduleLagMs, limitedBy };
  }
}
