// Rates per topic (records/s, for the Overview's edges) and consumer-group lag over time (for the Overview's and
// the Topics view's trends), pushed to consoles once a second while any console is connected.
import type { GroupInfo, KafkaInspector } from '../ports';
import type { LagSample } from '../contract';
export type { LagSample };

const HISTORY = 150;

export class LiveMetrics {
  private counts = new Map<string, number>();
  private readonly history: LagSample[] = [];
  private rateTimer: NodeJS.Timeout | null = null;
  private lagTimer: NodeJS.Timeout | null = null;
  private lastRatesWereZero = false;

  constructor(
    private readonly kafka: KafkaInspector,
    private readonly push: (message: { type: string } & Record<string, unknown>) => void,
    private readonly anyoneWatching: () => boolean,
    private readonly lagIntervalMs = 1000,
    /** Each lag sample, also when nobody watches (the recovery timeline times consumers catching up). */
    private readonly onLag: (groups: GroupInfo[]) => void = () => undefined,
    /** Sample even with no console connected, while this says so. */
    private readonly sampleAnyway: () => boolean = () => false,
  ) {}

  start(): void {
    this.rateTimer = setInterval(() => this.pushRates(), 1000);
    this.lagTimer = setInterval(() => void this.sampleLag().catch(() => undefined), this.lagIntervalMs);
    this.rateTimer.unref();
    this.lagTimer.unref();
  }

  countAppended(topic: string, count: number): void {
    this.counts.set(topic, (this.counts.get(topic) ?? 0) + count);
  }

  private pushRates(): void {
    const rates = Object.fromEntries(this.counts);
    this.counts = new Map();
    const zero = Object.keys(rates).length === 0;
    // One zero message tells the consoles the edges went quiet; more would be noise.
    if (zero && this.lastRatesWereZero) return;
    this.lastRatesWereZero = zero;
    if (this.anyoneWatching()) this.push({ type: 'rates', atMs: Date.now(), rates });
  }

  async sampleLag(): Promise<void> {
    if (!this.anyoneWatching() && !this.sampleAnyway() && this.history.length > 0) return;
    const groups: GroupInfo[] = await this.kafka.describeGroups();
    this.onLag(groups);
    const sample: LagSample = { atMs: Date.now(), lag: {} };
    for (const group of groups) sample.lag[group.groupId] = group.partitions.reduce((sum, p) => sum + p.lag, 0);
    this.history.push(sample);
    if (this.history.length > HISTORY) this.history.shift();
    this.push({ type: 'lag', sample, groups });
  }

  lagHistory(): LagSample[] {
    return [...this.history];
  }

  stop(): void {
    if (this.rateTimer) clearInterval(this.rateTimer);
    if (this.lagTimer) clearInterval(this.lagTimer);
  }
}
