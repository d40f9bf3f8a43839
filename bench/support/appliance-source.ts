// Where a case gets its appliance: a fresh one per case (a full run, so that no case measures what an earlier
// one left behind), or in a --quick run one shared by the cases, since starting one takes longer than a quick
// case runs. In a quick run the startup case takes its figures from the shared one (see cycleShared).
import { rmSync } from 'node:fs';
import { FreshAppliance } from './fresh-appliance';
import type { Progress } from './progress';

export interface StartupTimes {
  firstUpMs: number;
  firstDownMs: number;
  restartUpMs: number;
  restartDownMs: number;
}

export class ApplianceSource {
  private sharedOne: FreshAppliance | undefined;
  private sharedStartMs = 0;

  constructor(
    private readonly gateways: number,
    readonly shared: boolean,
    private readonly progress: Progress,
    /** Added to each appliance's environment, e.g. GOCHAT_TRACING=off. */
    private readonly env: Record<string, string> = {},
  ) {}

  async acquire(): Promise<FreshAppliance> {
    if (this.sharedOne) return this.sharedOne;
    this.progress.step(
      `system: starting ${this.shared ? 'an appliance shared by the quick cases' : 'a fresh appliance'} ` +
        `(embedded infra, ${this.gateways} gateway(s))`,
    );
    const started = Date.now();
    const appliance = await FreshAppliance.start({
      gateways: this.gateways,
      onLine: (line) => this.progress.update(line),
      env: this.env,
    });
    if (this.shared) {
      this.sharedOne = appliance;
      this.sharedStartMs = Date.now() - started;
    }
    return appliance;
  }

  /**
   * Quick runs only: the startup figures from the shared appliance instead of two more starts. Its start was the
   * first start; it is stopped, restarted on its data dir and stopped again, and is gone afterwards.
   */
  async cycleShared(): Promise<StartupTimes> {
    if (!this.shared) throw new Error('cycleShared is for the shared appliance of a quick run');
    const first = await this.acquire();
    this.sharedOne = undefined;
    const firstUpMs = this.sharedStartMs;
    const dataDir = first.dataDir;
    try {
      this.progress.step('startup: gochat down (the shared appliance)');
      let mark = Date.now();
      await first.stop(true);
      const firstDownMs = Date.now() - mark;
      this.progress.step('startup: gochat up again on the same data dir');
      mark = Date.now();
      const again = await FreshAppliance.start({
        gateways: this.gateways,
        dataDir,
        onLine: (l) => this.progress.update(l),
      });
      const restartUpMs = Date.now() - mark;
      this.progress.step('startup: gochat down');
      mark = Date.now();
      await again.stop(true);
      return { firstUpMs, firstDownMs, restartUpMs, restartDownMs: Date.now() - mark };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  /** The case is done with it: stopped (gochat down) and its data dir removed, unless it is the shared one. */
  async release(appliance: FreshAppliance): Promise<void> {
    if (appliance === this.sharedOne) return;
    this.progress.step('system: gochat down');
    await appliance.stop();
  }

  async close(): Promise<void> {
    const appliance = this.sharedOne;
    this.sharedOne = undefined;
    if (appliance) {
      this.progress.step('gochat down (the shared appliance)');
      await appliance.stop();
    }
  }
}
