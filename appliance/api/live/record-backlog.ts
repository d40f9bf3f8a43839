// Records waiting to be looked at: appended while nobody watches, handed over in order when someone does, and only
// then decoded. Bounded: past the limit the oldest runs are dropped, since only recent history is shown.
import type { AppendedRecords, BrokerRecord } from '../ports';

export class RecordBacklog {
  private runs: AppendedRecords[] = [];
  /** Records in `runs`. */
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly observe: (records: BrokerRecord[]) => void,
  ) {}

  add(appended: AppendedRecords): void {
    this.runs.push(appended);
    this.count += appended.count;
    // Trimmed in steps of a tenth so that a steady stream does not copy the array on every append; a run is
    // dropped only when the runs after it still hold the limit.
    if (this.count <= this.limit + this.limit / 10) return;
    let drop = 0;
    while (drop < this.runs.length && this.count - (this.runs[drop] as AppendedRecords).count >= this.limit) {
      this.count -= (this.runs[drop] as AppendedRecords).count;
      drop += 1;
    }
    this.runs = this.runs.slice(drop);
  }

  drain(): void {
    if (this.runs.length === 0) return;
    const records = this.runs.flatMap((run) => run.records()).slice(-this.limit);
    this.runs = [];
    this.count = 0;
    this.observe(records);
  }
}
