// Records waiting to be looked at: appended while nobody watches, handed over in order when someone does. Bounded:
// past the limit the oldest are dropped, since only recent history is shown.
import type { BrokerRecord } from '../ports';

export class RecordBacklog {
  private records: BrokerRecord[] = [];

  constructor(
    private readonly limit: number,
    private readonly observe: (records: BrokerRecord[]) => void,
  ) {}

  add(records: BrokerRecord[]): void {
    this.records.push(...records);
    // Trimmed in steps of a tenth so that a steady stream does not copy the array on every append.
    if (this.records.length > this.limit + this.limit / 10) this.records = this.records.slice(-this.limit);
  }

  drain(): void {
    if (this.records.length === 0) return;
    const records = this.records.slice(-this.limit);
    this.records = [];
    this.observe(records);
  }
}
