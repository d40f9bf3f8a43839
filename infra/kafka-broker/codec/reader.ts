// Bounds-checked decoding of Kafka request bodies. Every read past the end throws MalformedRequestError,
// which the server turns into "close this connection" without touching any stored data.
export class MalformedRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedRequestError';
  }
}

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new MalformedRequestError(
        `truncated request: ${what} needs ${n} bytes at ${this.pos}, ${this.remaining} left`,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): number {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequestError('null where a string is required');
    return s;
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    return this.bytes(len, 'string').toString('utf8');
  }
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    return this.bytes(len, 'bytes field');
  }
  bytesField(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** An INT32-counted array; null (-1) comes back as null. */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    // each element takes at least one byte: a huge count in a small frame is malformed, not a reason to allocate
    if (n > this.remaining)
      throw new MalformedRequestError(`array count ${n} exceeds the ${this.remaining} bytes left`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  /** Unsigned varint of the flexible versions (compact lengths, tag counts). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (shift > 28) throw new MalformedRequestError('unsigned varint longer than 5 bytes');
      this.need(1, 'varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.bytes(n - 1, 'compact string').toString('utf8');
  }
  compactArray<T>(item: (r: Reader) => T): T[] {
    const n = this.uvarint();
    if (n === 0) return [];
    if (n - 1 > this.remaining) throw new MalformedRequestError(`compact array count ${n - 1} too large`);
    const out: T[] = [];
    for (let i = 0; i < n - 1; i++) out.push(item(this));
    return out;
  }
  /** Tagged fields we do not understand are skipped, as the protocol requires. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.bytes(size, 'tagged field');
    }
  }

  /** Zigzag varint as used inside records. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  /** Zigzag varlong (timestamp deltas); precision is fine up to 2^53. */
  varlong(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (shift > 63) throw new MalformedRequestError('varlong longer than 10 bytes');
      this.need(1, 'varlong');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }
}
