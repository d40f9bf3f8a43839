// One Redis logical database: typed values, expiry (lazy on access, plus an active sweep) and SCAN cursors.
import { SortedSet } from './sorted-set';

export type RedisValue =
  | { type: 'string'; data: string }
  | { type: 'hash'; data: Map<string, string> }
  | { type: 'set'; data: Set<string> }
  | { type: 'zset'; data: SortedSet };

export type RedisType = RedisValue['type'];
interface DataByType {
  string: string;
  hash: Map<string, string>;
  set: Set<string>;
  zset: SortedSet;
}
type DataOf<T extends RedisType> = DataByType[T];

/** A command's failure that goes back to the client as an error reply; the text includes Redis's error code. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

interface Slot {
  /** Creation order; SCAN cursors are slot ids, so keys that live through a whole scan are all returned. */
  id: number;
  value: RedisValue;
}

const EMPTY_DATA: { [T in RedisType]: () => DataOf<T> } = {
  string: () => '',
  hash: () => new Map<string, string>(),
  set: () => new Set<string>(),
  zset: () => new SortedSet(),
};

export class Keyspace {
  private slots = new Map<string, Slot>();
  private expiresAt = new Map<string, number>();
  private nextSlotId = 1;
  private sweepCursor: Iterator<[string, number]> | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Keys held, including expired ones the sweep has not reached yet (as Redis's DBSIZE counts). */
  get size(): number {
    return this.slots.size;
  }

  get(key: string): RedisValue | undefined {
    if (this.expireIfDue(key)) return undefined;
    return this.slots.get(key)?.value;
  }

  /** The key's data if it holds `type`, undefined if absent; WRONGTYPE if it holds something else. */
  read<T extends RedisType>(key: string, type: T): DataOf<T> | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    if (value.type !== type) throw new CommandError(WRONGTYPE);
    const data: unknown = value.data;
    return data as DataOf<T>;
  }

  /** The key's aggregate, created empty if absent; callers modify it in place, then call dropIfEmpty. */
  obtain<T extends Exclude<RedisType, 'string'>>(key: string, type: T): DataOf<T> {
    const existing = this.read(key, type);
    if (existing !== undefined) return existing;
    const data = EMPTY_DATA[type]();
    this.put(key, { type, data } as RedisValue);
    return data;
  }

  /** Redis never keeps an empty hash, set or sorted set. */
  dropIfEmpty(key: string): void {
    const value = this.slots.get(key)?.value;
    if (value === undefined || value.type === 'string') return;
    const size = value.data.size;
    if (size === 0) this.delete(key);
  }

  /** Stores a value; an overwrite keeps the key's SCAN position and, only if asked, its expiry. */
  put(key: string, value: RedisValue, keepTtl = false): void {
    this.expireIfDue(key);
    const slot = this.slots.get(key);
    if (slot) slot.value = value;
    else this.slots.set(key, { id: this.nextSlotId++, value });
    if (!keepTtl) this.expiresAt.delete(key);
  }

  delete(key: string): boolean {
    if (this.expireIfDue(key)) return false;
    this.expiresAt.delete(key);
    return this.slots.delete(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Milliseconds-since-epoch expiry, or undefined for a persistent key. */
  expiryOf(key: string): number | undefined {
    if (this.expireIfDue(key)) return undefined;
    return this.expiresAt.get(key);
  }

  /** Sets an expiry on an existing key; a time already past deletes it, as Redis does. */
  expireAt(key: string, atMs: number): void {
    if (!this.slots.has(key)) return;
    if (atMs <= this.now()) this.delete(key);
    else this.expiresAt.set(key, atMs);
  }

  *liveKeys(): Generator<string> {
    for (const key of [...this.slots.keys()]) {
      if (!this.expireIfDue(key)) yield key;
    }
  }

  /**
   * Visits up to `count` slots after `cursor` and returns the live keys among them with the next cursor
   * (0 when the scan is complete).
   */
  scan(cursor: number, count: number): { next: number; keys: string[] } {
    const keys: string[] = [];
    let visited = 0;
    let lastId = 0;
    for (const [key, slot] of this.slots) {
      if (slot.id <= cursor) continue;
      if (visited === count) return { next: lastId, keys: keys.filter((k) => !this.expireIfDue(k)) };
      visited += 1;
      lastId = slot.id;
      keys.push(key);
    }
    return { next: 0, keys: keys.filter((k) => !this.expireIfDue(k)) };
  }

  flush(): void {
    this.slots = new Map();
    this.expiresAt = new Map();
    this.sweepCursor = undefined;
  }

  /**
   * Active expiry: checks up to `budget` keys that carry an expiry, resuming where the last sweep stopped, so
   * keys nobody reads again still go away.
   */
  sweepExpired(budget: number): number {
    let removed = 0;
    const now = this.now();
    for (let checked = 0; checked < budget; checked += 1) {
      this.sweepCursor ??= this.expiresAt.entries();
      const step = this.sweepCursor.next();
      if (step.done) {
        this.sweepCursor = undefined;
        break;
      }
      const [key, atMs] = step.value;
      if (atMs <= now) {
        this.expiresAt.delete(key);
        this.slots.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  private expireIfDue(key: string): boolean {
    const atMs = this.expiresAt.get(key);
    if (atMs === undefined || atMs > this.now()) return false;
    this.expiresAt.delete(key);
    this.slots.delete(key);
    return true;
  }
}
