// Crash recovery of one segment file: walk the batches, check each CRC32C and that offsets run on from
// the previous batch, and cut the file at the first torn or corrupt batch. Everything before it is kept.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { checkBatch, type BatchHeader } from './batch';

export interface ScannedBatch {
  header: BatchHeader;
  position: number;
}

export interface SegmentScan {
  batches: ScannedBatch[];
  /** Bytes of whole, valid batches from the start of the file. */
  validBytes: number;
  /** Why the scan stopped early, when it did. */
  problem: string | null;
}

/** Reads a segment in slices so a large file never needs one buffer of its whole size. */
export function scanSegment(path: string, expectedBaseOffset: number | null): SegmentScan {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const batches: ScannedBatch[] = [];
    let pos = 0;
    let expected = expectedBaseOffset;
    let problem: string | null = null;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    while (pos < fileSize) {
      // make sure the chunk holds the header at pos, then the whole batch it announces
      if (pos - chunkStart + 61 > chunk.length) {
        chunk = load(fd, pos, 1 << 20, fileSize);
        chunkStart = pos;
      }
      if (pos - chunkStart + 12 <= chunk.length) {
        const size = chunk.readInt32BE(pos - chunkStart + 8) + 12;
        if (size > 0 && pos + size <= fileSize && pos - chunkStart + size > chunk.length) {
          chunk = load(fd, pos, Math.max(size, 1 << 20), fileSize);
          chunkStart = pos;
        }
      }
      const checked = checkBatch(chunk, pos - chunkStart);
      if (typeof checked === 'string') {
        problem = `${checked} at byte ${pos}`;
        break;
      }
      if (expected !== null && checked.baseOffset !== expected) {
        problem = `batch at byte ${pos} has base offset ${checked.baseOffset}, expected ${expected}`;
        break;
      }
      batches.push({ header: checked, position: pos });
      expected = checked.baseOffset + checked.lastOffsetDelta + 1;
      pos += checked.size;
    }
    return { batches, validBytes: pos, problem };
  } finally {
    closeSync(fd);
  }
}

function load(fd: number, pos: number, want: number, fileSize: number): Buffer {
  const len = Math.min(want, fileSize - pos);
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

export function truncateFile(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
