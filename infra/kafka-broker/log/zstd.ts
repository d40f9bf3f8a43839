// A Zstandard decoder (RFC 8878) for record-batch bodies: Node 20's zlib has no zstd, and without it the broker
// could neither check the records of a zstd batch nor find offsets by time inside one. Decoding only; no
// dictionaries (Kafka clients use none); the optional content checksum is not verified (the batch's CRC32C
// already covers these bytes).
import {
  BackwardBits,
  buildFse,
  fail,
  huffmanStream,
  readFse,
  readHuffman,
  rleFse,
  type FseTable,
  type Huffman,
} from './zstd-entropy';

const FRAME_MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

// Literal-length and match-length codes: [baseline, extra bits] (RFC 8878 3.1.1.3.2.1.1)
const LL_BASE = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024,
  2048, 4096, 8192, 16384, 32768, 65536,
];
const LL_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const ML_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
  34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
];
const ML_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3,
  3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
// Predefined distributions (RFC 8878 3.1.1.3.2.2)
const LL_DEFAULT = [
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1,
];
const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];

interface FrameState {
  out: Uint8Array;
  len: number;
  rep: [number, number, number];
  huffman: Huffman | null;
  ll: FseTable | null;
  of: FseTable | null;
  ml: FseTable | null;
  /** Where the current frame's output starts: matches may not reach before it. */
  frameStart: number;
}

const DEFAULTS = { ll: buildFse(LL_DEFAULT, 6), of: buildFse(OF_DEFAULT, 5), ml: buildFse(ML_DEFAULT, 6) };

function ensure(st: FrameState, n: number, limit: number): void {
  if (st.len + n > limit) fail(`inflates past ${limit} bytes`);
  if (st.len + n <= st.out.length) return;
  const next = new Uint8Array(Math.min(limit, Math.max(st.out.length * 2, st.len + n)));
  next.set(st.out.subarray(0, st.len));
  st.out = next;
}

function readLiterals(st: FrameState, src: Uint8Array, at: number, end: number): [Uint8Array, number] {
  const b = (i: number): number => (at + i < end ? (src[at + i] as number) : fail('literals header cut off'));
  const type = b(0) & 3;
  const format = (b(0) >> 2) & 3;
  if (type < 2) {
    const [size, head] =
      format === 1
        ? [(b(0) >> 4) + (b(1) << 4), 2]
        : format === 3
          ? [(b(0) >> 4) + (b(1) << 4) + (b(2) << 12), 3]
          : [b(0) >> 3, 1];
    if (type === 0) {
      if (at + head + size > end) fail('raw literals cut off');
      return [src.subarray(at + head, at + head + size), head + size];
    }
    return [new Uint8Array(size).fill(b(head)), head + 1];
  }
  let regen: number;
  let comp: number;
  let head: number;
  if (format < 2) {
    [regen, comp, head] = [(b(0) >> 4) + ((b(1) & 0x3f) << 4), (b(1) >> 6) + (b(2) << 2), 3];
  } else if (format === 2) {
    [regen, comp, head] = [(b(0) >> 4) + (b(1) << 4) + ((b(2) & 3) << 12), (b(2) >> 2) + (b(3) << 6), 4];
  } else {
    [regen, comp, head] = [
      (b(0) >> 4) + (b(1) << 4) + ((b(2) & 0x3f) << 12),
      (b(2) >> 6) + (b(3) << 2) + (b(4) << 10),
      5,
    ];
  }
  if (regen > MAX_BLOCK) fail('literals larger than a block');
  const start = at + head;
  const stop = start + comp;
  if (stop > end) fail('compressed literals cut off');
  let pos = start;
  if (type === 2) {
    const [h, used] = readHuffman(src, start, stop);
    st.huffman = h;
    pos += used;
  }
  const h = st.huffman ?? fail('treeless literals without an earlier Huffman table');
  const lit = new Uint8Array(regen);
  if (format === 0) huffmanStream(h, src, pos, stop, lit, 0, regen);
  else {
    if (pos + 6 > stop) fail('literal jump table cut off');
    const sizes = [
      src[pos]! | (src[pos + 1]! << 8),
      src[pos + 2]! | (src[pos + 3]! << 8),
      src[pos + 4]! | (src[pos + 5]! << 8),
    ];
    const quarter = (regen + 3) >> 2;
    let s = pos + 6;
    for (let i = 0; i < 4; i++) {
      const size = i < 3 ? (sizes[i] as number) : stop - s;
      if (size <= 0 || s + size > stop) fail('literal streams do not fit');
      const n = i < 3 ? quarter : regen - 3 * quarter;
      if (n < 0) fail('literal streams do not fit');
      huffmanStream(h, src, s, s + size, lit, i * quarter, n);
      s += size;
    }
  }
  return [lit, head + comp];
}

function sequenceTable(
  st: FrameState,
  kind: 'll' | 'of' | 'ml',
  mode: number,
  src: Uint8Array,
  at: number,
  end: number,
): number {
  const [maxLog, maxSymbol] = kind === 'of' ? [8, 31] : kind === 'll' ? [9, 35] : [9, 52];
  if (mode === 0) st[kind] = DEFAULTS[kind];
  else if (mode === 1) {
    if (at >= end) fail('RLE sequence symbol cut off');
    st[kind] = rleFse(src[at] as number);
    return 1;
  } else if (mode === 2) {
    const [table, used] = readFse(src, at, end, maxLog, maxSymbol);
    st[kind] = table;
    return used;
  } else if (st[kind] === null) fail('repeat mode without an earlier table');
  return 0;
}

function compressedBlock(st: FrameState, src: Uint8Array, at: number, end: number, limit: number): void {
  const [lit, litBytes] = readLiterals(st, src, at, end);
  let pos = at + litBytes;
  if (pos >= end) fail('sequences section cut off');
  let nbSeq = src[pos++] as number;
  if (nbSeq >= 128) {
    if (pos >= end) fail('sequence count cut off');
    if (nbSeq === 255) {
      if (pos + 2 > end) fail('sequence count cut off');
      nbSeq = (src[pos]! | (src[pos + 1]! << 8)) + 0x7f00;
      pos += 2;
    } else nbSeq = ((nbSeq - 128) << 8) + (src[pos++] as number);
  }
  let litPos = 0;
  if (nbSeq > 0) {
    if (pos >= end) fail('sequence modes cut off');
    const modes = src[pos++] as number;
    if ((modes & 3) !== 0) fail('reserved sequence mode bits set');
    pos += sequenceTable(st, 'll', modes >> 6, src, pos, end);
    pos += sequenceTable(st, 'of', (modes >> 4) & 3, src, pos, end);
    pos += sequenceTable(st, 'ml', (modes >> 2) & 3, src, pos, end);
    const [ll, of, ml] = [st.ll as FseTable, st.of as FseTable, st.ml as FseTable];
    const bits = new BackwardBits(src, pos, end);
    let sLL = bits.read(ll.log);
    let sOF = bits.read(of.log);
    let sML = bits.read(ml.log);
    const rep = st.rep;
    for (let i = 0; i < nbSeq; i++) {
      const ofCode = of.symbol[sOF] as number;
      const mlCode = ml.symbol[sML] as number;
      const llCode = ll.symbol[sLL] as number;
      if (ofCode > 31 || mlCode > 52 || llCode > 35) fail('sequence code out of range');
      const ofValue = 2 ** ofCode + bits.read(ofCode);
      const mlValue = (ML_BASE[mlCode] as number) + bits.read(ML_BITS[mlCode] as number);
      const llValue = (LL_BASE[llCode] as number) + bits.read(LL_BITS[llCode] as number);
      let offset: number;
      if (ofValue > 3) {
        offset = ofValue - 3;
        rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      } else {
        const idx = ofValue - 1 + (llValue === 0 ? 1 : 0);
        if (idx === 0) offset = rep[0];
        else {
          offset = idx === 3 ? rep[0] - 1 : rep[idx as 1 | 2];
          if (idx > 1) rep[2] = rep[1];
          rep[1] = rep[0];
          rep[0] = offset;
        }
      }
      if (i < nbSeq - 1) {
        sLL = (ll.base[sLL] as number) + bits.read(ll.nbBits[sLL] as number);
        sML = (ml.base[sML] as number) + bits.read(ml.nbBits[sML] as number);
        sOF = (of.base[sOF] as number) + bits.read(of.nbBits[sOF] as number);
      }
      if (litPos + llValue > lit.length) fail('sequence takes more literals than there are');
      ensure(st, llValue + mlValue, limit);
      st.out.set(lit.subarray(litPos, litPos + llValue), st.len);
      st.len += llValue;
      litPos += llValue;
      if (offset < 1 || offset > st.len - st.frameStart) fail(`match offset ${offset} outside the output`);
      const from = st.len - offset;
      if (offset >= mlValue) st.out.copyWithin(st.len, from, from + mlValue);
      else for (let k = 0; k < mlValue; k++) st.out[st.len + k] = st.out[from + k] as number;
      st.len += mlValue;
    }
    if (bits.pos !== 0) fail('sequence bitstream does not end where its sequences do');
  } else if (pos !== end) fail('bytes after an empty sequences section');
  const rest = lit.length - litPos;
  ensure(st, rest, limit);
  st.out.set(lit.subarray(litPos), st.len);
  st.len += rest;
}

/** Decodes one or more concatenated zstd frames (skippable frames are skipped). Throws CodecError. */
export function zstdDecompress(src: Buffer, limit: number): Buffer {
  const st: FrameState = {
    out: new Uint8Array(Math.min(limit, Math.max(1024, src.length * 4))),
    len: 0,
    rep: [1, 4, 8],
    huffman: null,
    ll: null,
    of: null,
    ml: null,
    frameStart: 0,
  };
  let pos = 0;
  while (pos < src.length) {
    if (pos + 4 > src.length) fail('frame magic cut off');
    const magic = src.readUInt32LE(pos);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      if (pos + 8 > src.length) fail('skippable frame cut off');
      pos += 8 + src.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) fail('not a zstd frame');
    pos += 4;
    if (pos >= src.length) fail('frame header cut off');
    const fhd = src[pos++] as number;
    const single = (fhd >> 5) & 1;
    if (fhd & 0x08) fail('reserved frame header bit set');
    const dictBytes = [0, 1, 2, 4][fhd & 3] as number;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6] as number;
    pos += single ? 0 : 1; // window descriptor: the whole frame is kept in memory anyway
    if (pos + dictBytes + fcsBytes > src.length) fail('frame header cut off');
    if (dictBytes > 0 && src.readUIntLE(pos, dictBytes) !== 0) fail('frames that need a dictionary are not supported');
    pos += dictBytes + fcsBytes;
    // each frame starts afresh: repeat offsets and tables do not carry over
    Object.assign(st, { rep: [1, 4, 8], huffman: null, ll: null, of: null, ml: null, frameStart: st.len });
    for (let last = false; !last;) {
      if (pos + 3 > src.length) fail('block header cut off');
      const bh = src.readUIntLE(pos, 3);
      pos += 3;
      last = (bh & 1) === 1;
      const type = (bh >> 1) & 3;
      const size = bh >> 3;
      if (size > MAX_BLOCK) fail('block larger than 128 KiB');
      if (type === 1) {
        if (pos >= src.length) fail('RLE block cut off');
        ensure(st, size, limit);
        st.out.fill(src[pos] as number, st.len, st.len + size);
        st.len += size;
        pos += 1;
        continue;
      }
      if (pos + size > src.length) fail('block cut off');
      if (type === 0) {
        ensure(st, size, limit);
        st.out.set(src.subarray(pos, pos + size), st.len);
        st.len += size;
      } else if (type === 2) compressedBlock(st, src, pos, pos + size, limit);
      else fail('reserved block type');
      pos += size;
    }
    if (fhd & 0x04) pos += 4; // content checksum
  }
  if (pos > src.length) fail('frame cut off');
  return Buffer.from(st.out.buffer, st.out.byteOffset, st.len);
}
