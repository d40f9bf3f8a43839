// Group commit: units of work that arrive in the same turn of the event loop (gRPC calls from several consumers
// at once) share one transaction, so they cost one commit - one fsync - instead of one each. Each unit runs in
// its own savepoint: a unit that throws is rolled back alone and fails alone. Nothing resolves before the
// shared commit is durable, so an answer still means "stored".
import type { SqliteDatabase } from './database';

interface Unit {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private units: Unit[] = [];

  constructor(private readonly db: SqliteDatabase) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unit: Unit = { work, resolve: resolve as (value: unknown) => void, reject };
      if (this.units.push(unit) === 1) setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    const units = this.units;
    this.units = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const unit of units) {
            try {
              // A transaction inside a transaction is a savepoint in better-sqlite3.
              outcomes.push({ ok: true, value: this.db.transaction(unit.work)() });
            } catch (err) {
              outcomes.push({ ok: false, err });
            }
          }
        })
        .immediate();
    } catch (err) {
      for (const unit of units) unit.reject(err);
      return;
    }
    units.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) unit.resolve(outcome.value);
      else unit.reject(outcome?.err);
    });
  }
}
