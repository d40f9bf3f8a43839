// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2). node:zlib's crc32 is the IEEE
// polynomial and would reject every real batch. Every produced batch is checksummed twice (by its producer and by
// the embedded broker, which checks it), so this is on the message path: @node-rs/crc32 computes it with the CPU's
// CRC-32C instruction (2-8 x faster than the tables below, and without their 8 KiB of tables to fetch into a cache
// that other processes keep taking), loaded when its prebuilt binary exists for this platform. Where it does not,
// the table-driven (slicing-by-8) version below does the same work.
import { createRequire } from 'node:module';
import { EnvReader } from './config';

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];

(function buildTables() {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c >>> 0;
  }
  TABLES.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = TABLES[t - 1] as Uint32Array;
    const cur = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      const p = prev[n] as number;
      cur[n] = ((p >>> 8) ^ (t0[p & 0xff] as number)) >>> 0;
    }
    TABLES.push(cur);
  }
})();

/** The portable version: the fallback, and what the native one is checked against. */
export function crc32cTables(buf: Uint8Array, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let crc = 0xffffffff;
  let i = start;
  while (i + 8 <= end) {
    const a = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ crc;
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[buf[i + 4]!]! ^
      t2[buf[i + 5]!]! ^
      t1[buf[i + 6]!]! ^
      t0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = t0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type NativeCrc32c = (input: Uint8Array, initialState?: number) => number;

function loadNative(): NativeCrc32c | undefined {
  if (new EnvReader(process.env).oneOf('GOCHAT_CRC32C', ['native', 'tables'], 'native') === 'tables') return undefined;
  try {
    return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: NativeCrc32c }).crc32c;
  } catch {
    return undefined; // no prebuilt binary for this platform
  }
}

const native = loadNative();

/** Which implementation this process uses (the test checks CI runs the native one). */
export const crc32cImplementation: 'native' | 'tables' = native ? 'native' : 'tables';

/** CRC-32C of buf[start, end). */
export const crc32c: (buf: Uint8Array, start?: number, end?: number) => number = native
  ? (buf, start = 0, end = buf.length) => native(start === 0 && end === buf.length ? buf : buf.subarray(start, end))
  : crc32cTables;
