// The batch-body decoders against real compressors (python-snappy, python-lz4, python-zstandard and the zstd
// CLI, as the clients' libraries write them), and against damaged input: every failure is a CodecError.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CodecError, decompress } from './codecs';
import { kafkaPythonMissing, PYTHON } from '../test-support/processes';

const skip = kafkaPythonMissing();
const ZSTD_CLI = '/usr/bin/zstd';

/** Each case: [name, codec id, compressed]; the raw input is the same for all. */
function realFrames(): { raw: Buffer; cases: Array<[string, number, Buffer]> } {
  const script = String.raw`
import base64, io, json, random, snappy, lz4.frame, zstandard
random.seed(5)
raw = b''.join(b'{"user":"u%d","msg":"message %d","ts":%d}' % (i % 97, i, 1700000000000 + i) for i in range(8000))
raw += bytes(random.getrandbits(8) for _ in range(5000))
cases = [
  ['snappy raw', 2, snappy.compress(raw)],
  ['snappy xerial', 2, b'\x82SNAPPY\x00' + b'\x00\x00\x00\x01' * 2 + b''.join(
      len(c).to_bytes(4, 'big') + c for c in (snappy.compress(raw[i:i + 32768]) for i in range(0, len(raw), 32768)))],
  ['lz4 checksums', 3, lz4.frame.compress(raw, block_checksum=True, content_checksum=True, store_size=True)],
  ['lz4 linked 64k', 3, lz4.frame.compress(raw, block_linked=True, block_size=lz4.frame.BLOCKSIZE_MAX64KB)],
  ['lz4 hc', 3, lz4.frame.compress(raw, compression_level=12)],
]
for level in [-5, 1, 3, 9, 19]:
  cases.append(['zstd level %d' % level, 4, zstandard.ZstdCompressor(level=level).compress(raw)])
buf = io.BytesIO()
with zstandard.ZstdCompressor(level=3, write_checksum=True).stream_writer(buf, closefd=False) as w:
  for i in range(0, len(raw), 5000): w.write(raw[i:i + 5000])
cases.append(['zstd streamed', 4, buf.getvalue()])
print(json.dumps({'raw': base64.b64encode(raw).decode(),
                  'cases': [[n, c, base64.b64encode(b).decode()] for n, c, b in cases]}))
`;
  const out = JSON.parse(execFileSync(PYTHON, ['-c', script], { maxBuffer: 1 << 28 }).toString()) as {
    raw: string;
    cases: Array<[string, number, string]>;
  };
  const raw = Buffer.from(out.raw, 'base64');
  const cases = out.cases.map(([n, c, b]): [string, number, Buffer] => [n, c, Buffer.from(b, 'base64')]);
  if (existsSync(ZSTD_CLI)) {
    for (const level of ['--fast=3', '-3', '-19']) {
      cases.push([`zstd cli ${level}`, 4, execFileSync(ZSTD_CLI, ['-q', level, '-c'], { input: raw })]);
    }
  }
  return { raw, cases };
}

describe('batch body codecs', { skip: skip ?? false }, () => {
  const { raw, cases } = skip ? { raw: Buffer.alloc(0), cases: [] } : realFrames();

  test('bodies from real snappy, lz4 and zstd compressors decode to the original bytes', () => {
    assert.ok(cases.length >= 11);
    for (const [name, codec, body] of cases) assert.ok(decompress(codec, body)?.equals(raw), name);
  });

  test('damaged bodies fail with a CodecError and nothing else', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let refused = 0;
    for (const [name, codec, body] of cases) {
      for (let i = 0; i < 24; i++) {
        const bad = Buffer.from(body);
        if (i % 4 === 0) {
          const cut = bad.subarray(0, random(bad.length));
          assert.throws(() => decompress(codec, cut), CodecError, `${name} cut at ${cut.length}`);
          refused++;
          continue;
        }
        for (let k = 0; k < 1 + (i % 3); k++) {
          const at = random(Math.min(bad.length, 4096));
          bad[at] = (bad[at] as number) ^ (1 << random(8));
        }
        try {
          decompress(codec, bad); // a flip can still decode (to other bytes): the batch CRC catches those
        } catch (err) {
          assert.ok(err instanceof CodecError, `${name} flip ${i}: ${(err as Error)?.stack}`);
          refused++;
        }
      }
    }
    assert.ok(refused > cases.length * 6);
  });
});
