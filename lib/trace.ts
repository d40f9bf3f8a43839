// W3C Trace Context "traceparent" (version 00): 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>.
// Carried in gRPC metadata, Kafka headers and WebSocket frames so one send can be followed through every service.
import { randomBytes } from 'node:crypto';

export const TRACEPARENT_KEY = 'traceparent';

export interface TraceParent {
  version: string;
  traceId: string;
  parentId: string;
  flags: string;
}

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Parses a traceparent header, or returns undefined when it is not a valid one. */
export function parseTraceparent(value: string | undefined | null): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  // Every record and RPC carries one, nearly always version 00 as we write it: checked without the expression.
  if (value.length === 55 && value.startsWith('00-')) return parseVersion00(value);
  const match = TRACEPARENT_RE.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff') return undefined;
  // Version 00 has exactly four fields; later versions may append more, which we must tolerate but not keep.
  if (version === '00' && rest !== undefined) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { version, traceId, parentId, flags };
}

/** parseTraceparent for a 55-character string starting "00-", character by character. */
function parseVersion00(value: string): TraceParent | undefined {
  if (value[35] !== '-' || value[52] !== '-') return undefined;
  if (!isLowerHex(value, 3, 35) || !isLowerHex(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined;
  if (isAllZero(value, 3, 35) || isAllZero(value, 36, 52)) return undefined;
  return {
    version: '00',
    traceId: value.slice(3, 35),
    parentId: value.slice(36, 52),
    flags: value.slice(53, 55),
  };
}

function isLowerHex(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isAllZero(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (value.charCodeAt(i) !== 48) return false;
  return true;
}

export function isValidTraceparent(value: string | undefined | null): boolean {
  return parseTraceparent(value) !== undefined;
}

export function formatTraceparent(trace: Pick<TraceParent, 'traceId' | 'parentId' | 'flags'>): string {
  return `00-${trace.traceId}-${trace.parentId}-${trace.flags}`;
}

// Ids are made for every record published and consumed: taking them from a pool of random bytes, refilled 4 KiB
// at a time, costs a small fraction of a randomBytes call each.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomHex(bytes);
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new trace id (32 hex digits, not all zero). */
export function newTraceId(): string {
  return nonZeroHex(16);
}

/** A new span id (16 hex digits, not all zero). */
export function newSpanId(): string {
  return nonZeroHex(8);
}

/** A new trace, sampled: its traceparent, and its trace id for whoever shows or looks it up. */
export function newTrace(): { traceparent: string; traceId: string } {
  const traceId = nonZeroHex(16);
  return { traceparent: formatTraceparent({ traceId, parentId: nonZeroHex(8), flags: '01' }), traceId };
}

/** A new trace, sampled. */
export function newRootTraceparent(): string {
  return newTrace().traceparent;
}

/** A new span in the parent's trace; a new root when the parent is missing or invalid. */
export function childTraceparent(parent: string | undefined | null): string {
  const parsed = parseTraceparent(parent);
  if (!parsed) return newRootTraceparent();
  return formatTraceparent({ traceId: parsed.traceId, parentId: nonZeroHex(8), flags: parsed.flags });
}

/** The trace id of a traceparent, for log fields; undefined when invalid. */
export function traceIdOf(traceparent: string | undefined | null): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}
