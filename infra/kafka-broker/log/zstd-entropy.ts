// zstd's entropy coding (RFC 8878 section 4): backward bitstreams, FSE tables and Huffman literals, used by
// ./zstd.ts to decode compressed blocks.
import { CodecError } from './codec-error';

export function fail(what: string): never {
  throw new CodecError(`zstd: ${what}`);
}

/** Bits read from the end of a stream backwards, as zstd's FSE and Huffman streams are written. */
export class BackwardBits {
  /** Bits left to read, counted from the stream's first byte, least significant bit first. */
  pos: number;
  constructor(
    private readonly buf: Uint8Array,
    private readonly start: number,
    end: number,
  ) {
    if (end <= start) fail('empty bitstream');
    const last = buf[end - 1] as number;
    if (last === 0) fail('bitstream has no end marker');
    this.pos = (end - start - 1) * 8 + (31 - Math.clz32(last));
  }
  read(n: number): number {
    if (n === 0) return 0;
    const lo = this.pos - n;
    this.pos = lo;
    // past the start reads zeros, as the reference does; callers check `pos` where that means corruption
    return lo >= 0 ? this.bits(lo, n) : n + lo > 0 ? this.bits(0, n + lo) * 2 ** -lo : 0;
  }
  private bits(lo: number, n: number): number {
    const at = this.start + (lo >> 3);
    const shift = lo & 7;
    if (shift + n <= 32) {
      // up to four bytes hold the bits: one arithmetic step instead of a loop (this is the decoder's hot path)
      const b = this.buf;
      const word = (b[at] ?? 0) + (b[at + 1] ?? 0) * 0x100 + (b[at + 2] ?? 0) * 0x10000 + (b[at + 3] ?? 0) * 0x1000000;
      return Math.floor(word / (1 << shift)) % 2 ** n;
    }
    let result = 0;
    for (let k = 0; k < n;) {
      const bit = lo + k;
      const off = bit & 7;
      const take = Math.min(8 - off, n - k);
      result += (((this.buf[this.start + (bit >> 3)] as number) >> off) & ((1 << take) - 1)) * 2 ** k;
      k += take;
    }
    return result;
  }
}

export interface FseTable {
  log: number;
  symbol: Uint8Array;
  nbBits: Uint8Array;
  base: Uint16Array;
}

/** Decoding table from normalized counts (-1 = "less than one"), RFC 8878 4.1.1. */
export function buildFse(norm: readonly number[], log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const next = new Uint16Array(norm.length);
  let high = size - 1;
  norm.forEach((c, s) => {
    if (c === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else next[s] = c;
  });
  const step = (size >> 1) + (size >> 3) + 3;
  let pos = 0;
  norm.forEach((c, s) => {
    for (let i = 0; i < c; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & (size - 1);
      while (pos > high);
    }
  });
  if (pos !== 0) fail('FSE distribution does not fill its table');
  const nbBits = new Uint8Array(size);
  const base = new Uint16Array(size);
  for (let u = 0; u < size; u++) {
    const s = symbol[u] as number;
    const state = next[s] as number;
    next[s] = state + 1;
    const bits = log - (31 - Math.clz32(state));
    nbBits[u] = bits;
    base[u] = (state << bits) - size;
  }
  return { log, symbol, nbBits, base };
}

export function rleFse(sym: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(sym), nbBits: Uint8Array.of(0), base: Uint16Array.of(0) };
}

/** Reads an FSE table description at `at`; returns the table and the bytes it took. */
export function readFse(
  src: Uint8Array,
  at: number,
  end: number,
  maxLog: number,
  maxSymbol: number,
): [FseTable, number] {
  let bitPos = 0;
  const peek = (n: number): number => {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const bit = bitPos + k;
      const byte = at + (bit >> 3) < end ? (src[at + (bit >> 3)] as number) : 0;
      v += ((byte >> (bit & 7)) & 1) * 2 ** k;
    }
    return v;
  };
  const log = peek(4) + 5;
  bitPos = 4;
  if (log > maxLog) fail(`FSE accuracy ${log} above ${maxLog}`);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  const norm: number[] = [];
  while (remaining > 1 && norm.length <= maxSymbol) {
    const max = 2 * threshold - 1 - remaining;
    let count: number;
    if ((peek(nbBits) & (threshold - 1)) < max) {
      count = peek(nbBits) & (threshold - 1);
      bitPos += nbBits - 1;
    } else {
      count = peek(nbBits) & (2 * threshold - 1);
      if (count >= threshold) count -= max;
      bitPos += nbBits;
    }
    count--;
    remaining -= Math.abs(count);
    norm.push(count);
    if (count === 0) {
      // zero probabilities are run-length coded in 2-bit repeats
      for (;;) {
        const rep = peek(2);
        bitPos += 2;
        for (let i = 0; i < rep; i++) norm.push(0);
        if (rep !== 3) break;
      }
    }
    while (remaining < threshold) {
      nbBits--;
      threshold >>= 1;
    }
  }
  if (remaining !== 1 || norm.length > maxSymbol + 1) fail('bad FSE table description');
  const used = (bitPos + 7) >> 3;
  if (at + used > end) fail('FSE table description cut off');
  return [buildFse(norm, log), used];
}

export interface Huffman {
  maxBits: number;
  symbol: Uint8Array;
  length: Uint8Array;
}

export function readHuffman(src: Uint8Array, at: number, end: number): [Huffman, number] {
  if (at >= end) fail('missing Huffman tree');
  const header = src[at] as number;
  const weights: number[] = [];
  let used: number;
  if (header >= 128) {
    const n = header - 127;
    used = 1 + ((n + 1) >> 1);
    if (at + used > end) fail('Huffman weights cut off');
    for (let i = 0; i < n; i++) {
      const b = src[at + 1 + (i >> 1)] as number;
      weights.push(i % 2 === 0 ? b >> 4 : b & 15);
    }
  } else {
    used = 1 + header;
    if (at + used > end) fail('Huffman weights cut off');
    const [table, took] = readFse(src, at + 1, at + used, 6, 255);
    const bits = new BackwardBits(src, at + 1 + took, at + used);
    let s1 = bits.read(table.log);
    let s2 = bits.read(table.log);
    const step = (s: number): number => (table.base[s] as number) + bits.read(table.nbBits[s] as number);
    for (;;) {
      if (weights.length > 255) fail('too many Huffman weights');
      weights.push(table.symbol[s1] as number);
      s1 = step(s1);
      if (bits.pos < 0) {
        weights.push(table.symbol[s2] as number);
        break;
      }
      weights.push(table.symbol[s2] as number);
      s2 = step(s2);
      if (bits.pos < 0) {
        weights.push(table.symbol[s1] as number);
        break;
      }
    }
  }
  let total = 0;
  for (const w of weights) if (w > 0) total += 1 << (w - 1);
  if (total === 0) fail('Huffman weights are all zero');
  const maxBits = 32 - Math.clz32(total);
  const rest = (1 << maxBits) - total;
  if (maxBits > 11 || (rest & (rest - 1)) !== 0) fail('Huffman weights do not sum to a power of two');
  weights.push(32 - Math.clz32(rest)); // the last symbol's weight is implied
  const size = 1 << maxBits;
  const symbol = new Uint8Array(size);
  const length = new Uint8Array(size);
  let pos = 0;
  for (let w = 1; w <= maxBits; w++) {
    weights.forEach((wt, s) => {
      if (wt !== w) return;
      const span = 1 << (w - 1);
      symbol.fill(s, pos, pos + span);
      length.fill(maxBits + 1 - w, pos, pos + span);
      pos += span;
    });
  }
  return [{ maxBits, symbol, length }, used];
}

export function huffmanStream(
  h: Huffman,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  from: number,
  n: number,
) {
  const bits = new BackwardBits(src, start, end);
  for (let i = 0; i < n; i++) {
    const peek = bits.read(h.maxBits);
    const len = h.length[peek] as number;
    bits.pos += h.maxBits - len; // give back what this symbol did not use
    out[from + i] = h.symbol[peek] as number;
  }
  if (bits.pos !== 0) fail('Huffman stream does not end where its literals do');
}
