// librdkafka (kcat) beyond the basics: its gzip/snappy/lz4/zstd batches arrive and are stored compressed
// (librdkafka compresses only when Produce v0 is advertised), a hostile batch between good ones leaves the
// partition readable to the end, and `-o s@ts` starts at the right record even inside compressed batches.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type Broker } from './index';
import { CODEC_IDS, buildBatch, fixCrc } from './test-support/batch-builder';
import { KCAT, kcatMissing, run } from './test-support/processes';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const skip = kcatMissing();

/** The codec bits of every batch in a partition's segment files, read straight from disk. */
function storedCodecs(dataDir: string, topic: string, partition: number): number[] {
  const dir = join(dataDir, 'topics', topic, String(partition));
  const codecs: number[] = [];
  for (const name of readdirSync(dir).sort()) {
    const buf = readFileSync(join(dir, name));
    for (let pos = 0; pos < buf.length; pos += buf.readInt32BE(pos + 8) + 12)
      codecs.push(buf.readInt16BE(pos + 21) & 7);
  }
  return codecs;
}

async function consumeAll(broker: Broker, topic: string, extra: string[] = []): Promise<string[]> {
  const res = await run(KCAT, ['-C', '-b', broker.address, '-t', topic, '-e', '-q', '-f', '%o %s\n', ...extra]);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.split('\n').filter((l) => l !== '');
}

describe('kcat (librdkafka) compatibility', { skip: skip ?? false }, () => {
  const dir = makeTempDir('kcat-compat');
  let broker: Broker;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
  });

  after(async () => {
    await broker.stop();
    dir.remove();
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    test(`kcat ${codec} batches are stored compressed and read back`, async () => {
      const topic = `kcat-${codec}`;
      await broker.createTopic(topic, 1);
      const lines = [...Array(500).keys()].map((i) => `message ${i} ${'x'.repeat(100)}`);
      const prod = await run(
        KCAT,
        ['-P', '-b', broker.address, '-t', topic, '-X', `compression.codec=${codec}`, '-X', 'debug=msg'],
        lines.join('\n') + '\n',
      );
      assert.equal(prod.code, 0, prod.stderr);
      assert.doesNotMatch(prod.stderr, /does not support compression/);
      const codecs = storedCodecs(dir.path, topic, 0);
      assert.ok(codecs.length > 0);
      assert.deepEqual(new Set(codecs), new Set([CODEC_IDS[codec]]), `on-disk codecs ${codecs.join(',')}`);
      const got = await consumeAll(broker, topic, ['-o', 'beginning']);
      assert.deepEqual(
        got,
        lines.map((l, i) => `${i} ${l}`),
      );
    });
  }

  test('a refused hostile batch leaves the partition readable to the end by kcat', async () => {
    await broker.createTopic('kcat-hostile', 1);
    const first = await run(KCAT, ['-P', '-b', broker.address, '-t', 'kcat-hostile'], 'one\ntwo\n');
    assert.equal(first.code, 0, first.stderr);
    const client = await RawKafkaClient.connect(broker.port);
    try {
      const jump = buildBatch([{ value: 'x' }]);
      jump.writeInt32BE(999_999, 23);
      assert.equal((await produceBatch(client, 'kcat-hostile', 0, fixCrc(jump)))[0], 2);
      const count = buildBatch([{ value: 'a' }, { value: 'b' }]);
      count.writeInt32BE(5, 57);
      count.writeInt32BE(4, 23);
      assert.equal((await produceBatch(client, 'kcat-hostile', 0, fixCrc(count)))[0], 2);
    } finally {
      client.close();
    }
    const second = await run(KCAT, ['-P', '-b', broker.address, '-t', 'kcat-hostile'], 'three\n');
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await consumeAll(broker, 'kcat-hostile', ['-o', 'beginning']), ['0 one', '1 two', '2 three']);
  });

  test('kcat -o s@ts starts at the first record at or after ts, inside compressed batches too', async () => {
    await broker.createTopic('kcat-times', 1);
    const t0 = 1_700_000_000_000;
    const client = await RawKafkaClient.connect(broker.port);
    try {
      const recs = [0, 10, 20, 30].map((d) => ({ value: `t+${d}`, timestampDelta: d }));
      // the header's max timestamp is -1, as sarama writes it
      await produceBatch(
        client,
        'kcat-times',
        0,
        buildBatch(recs, { timestamp: t0, maxTimestamp: -1, codec: 'snappy' }),
      );
      await produceBatch(client, 'kcat-times', 0, buildBatch(recs, { timestamp: t0 + 100, codec: 'gzip' }));
    } finally {
      client.close();
    }
    assert.deepEqual(await consumeAll(broker, 'kcat-times', ['-o', `s@${t0 + 15}`]), [
      '2 t+20',
      '3 t+30',
      '4 t+0',
      '5 t+10',
      '6 t+20',
      '7 t+30',
    ]);
    assert.deepEqual(await consumeAll(broker, 'kcat-times', ['-o', `s@${t0 + 125}`]), ['7 t+30']);
  });
});
