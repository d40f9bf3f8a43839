// Where a case gets its appliance: a fresh one per case (a full run, so that no case measures what an earlier
// one left behind), or in a --quick run one shared by the cases, since starting one takes longer than a quick
// case runs. The startup case always starts its own.
import { FreshAppliance } from './fresh-appliance';
import type { Progress } from './progress';

export class ApplianceSource {
  private sharedOne: FreshAppliance | undefined;

  constructor(
    private readonly gateways: number,
    private readonly shared: boolean,
    private readonly progress: Progress,
  ) {}

  async acquire(): Promise<FreshAppliance> {
    if (this.sharedOne) return this.sharedOne;
    this.progress.step(
      `system: starting ${this.shared ? 'an appliance shared by the quick cases' : 'a fresh appliance'} ` +
        `(embedded infra, ${this.gateways} gateway(s))`,
    );
    const appliance = await FreshAppliance.start({
      gateways: this.gateways,
      onLine: (line) => this.progress.update(line),
    });
    if (this.shared) this.sharedOne = appliance;
    return appliance;
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
