// Insertion-ordered maps and sets that forget their oldest entries past a capacity: what a process remembers
// about a stream with no end (ids seen, traces followed, early deliveries) stays bounded in memory.

/** A Map that, when a new key takes it past its capacity, deletes the oldest keys (first inserted first). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    readonly capacity: number,
    /** Told of each entry forgotten for room, to drop what else was kept about it. */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    while (this.size > this.capacity) {
      const [oldestKey, oldestValue] = this.entries().next().value as [K, V];
      super.delete(oldestKey);
      this.onEvict?.(oldestKey, oldestValue);
    }
    return this;
  }
}

/** A Set that, when a new value takes it past its capacity, deletes the oldest values (first added first). */
export class BoundedSet<T> extends Set<T> {
  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
  }

  override add(value: T): this {
    super.add(value);
    while (this.size > this.capacity) super.delete(this.values().next().value as T);
    return this;
  }
}
