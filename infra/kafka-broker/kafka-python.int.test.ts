// kafka-python (Debian's python3-kafka 2.0.2) against the broker, for what it does differently from kafkajs and
// librdkafka: its version probe (ApiVersions v0 and Metadata v0 pipelined) in 20 of 20 starts, its own codecs
// (xerial-framed snappy, lz4 frames, zstd), offsets by timestamp, reading past a refused hostile batch,
// CreatePartitions from its admin client and a consumer group that commits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startBroker, type Broker } from './index';
import { buildBatch, fixCrc } from './test-support/batch-builder';
import { kafkaPythonMissing, PYTHON, run } from './test-support/processes';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const skip = kafkaPythonMissing();
const SCRIPT = fileURLToPath(new URL('./test-support/kafka_python_client.py', import.meta.url));

describe('kafka-python compatibility', { skip: skip ?? false }, () => {
  const dir = makeTempDir('kafka-python');
  let broker: Broker;

  async function py<T>(command: string, args: Record<string, unknown>): Promise<T> {
    const res = await run(
      PYTHON,
      [SCRIPT, command, JSON.stringify({ bootstrap: broker.address, ...args })],
      null,
      120_000,
    );
    assert.equal(res.code, 0, `kafka-python ${command} failed: ${res.stderr.slice(-2000)}`);
    return JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as T;
  }

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
  });

  after(async () => {
    await broker.stop();
    dir.remove();
  });

  test('automatic version detection works in 20 of 20 starts', { timeout: 300_000 }, async () => {
    await broker.createTopic('py-probe', 1);
    const { versions } = await py<{ versions: number[][] }>('probe', { topic: 'py-probe', starts: 20 });
    assert.equal(versions.length, 20);
    // Fetch v11 is advertised, which kafka-python 2.0.2 reads as a 2.3 broker; 0.8/0.9 would mean a lost probe
    for (const v of versions) assert.deepEqual(v, [2, 3, 0]);
    assert.equal(broker.listTopics().find((t) => t.name === 'py-probe')?.partitions[0]?.highWatermark, 20);
  });

  test('its gzip, snappy, lz4 and zstd batches are stored and read back', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `py-${codec}`;
      await broker.createTopic(topic, 1);
      const { offsets } = await py<{ offsets: number[] }>('produce', { topic, codec, count: 5, t0: Date.now() });
      assert.deepEqual(offsets, [0, 1, 2, 3, 4], codec);
      const stored = await broker.readRecords(topic, 0, 0, 10);
      assert.ok(stored.length > 0 && stored.every((r) => r.codec === codec), `${codec}: ${stored.map((r) => r.codec)}`);
      const { rows } = await py<{ rows: Array<[number, string]> }>('consume', { topic });
      assert.deepEqual(
        rows,
        [0, 1, 2, 3, 4].map((i) => [i, `${codec}-${i}`]),
      );
    }
  });

  test('offsets_for_times finds the record inside a compressed batch, and None past the end', async () => {
    await broker.createTopic('py-times', 1);
    const t0 = 1_700_000_000_000;
    await py('produce', { topic: 'py-times', codec: 'lz4', count: 4, t0 });
    const { hits } = await py<{ hits: Array<[number, number] | null> }>('times', {
      topic: 'py-times',
      stamps: [t0 - 5, t0 + 15, t0 + 30, t0 + 31],
    });
    assert.deepEqual(hits, [[0, t0], [2, t0 + 20], [3, t0 + 30], null]);
  });

  test('a refused hostile batch leaves the partition readable to the end', async () => {
    await broker.createTopic('py-hostile', 1);
    await py('produce', { topic: 'py-hostile', codec: 'none', count: 2, t0: Date.now() });
    const client = await RawKafkaClient.connect(broker.port);
    try {
      const garbage = buildBatch([{ value: 'hostile value' }]);
      garbage.fill(0x80, 61); // records that never end, under a valid CRC
      assert.equal((await produceBatch(client, 'py-hostile', 0, fixCrc(garbage)))[0], 2);
    } finally {
      client.close();
    }
    await py('produce', { topic: 'py-hostile', codec: 'gzip', count: 1, t0: Date.now() });
    const { rows, end } = await py<{ rows: Array<[number, string]>; end: number }>('consume', { topic: 'py-hostile' });
    assert.equal(end, 3);
    assert.deepEqual(rows, [
      [0, 'none-0'],
      [1, 'none-1'],
      [2, 'gzip-0'],
    ]);
  });

  test('a consumer group member commits, and the next one resumes after the commit', async () => {
    await broker.createTopic('py-group', 1);
    await py('produce', { topic: 'py-group', codec: 'none', count: 6, t0: Date.now() });
    const first = await py<{ rows: string[]; committed: number }>('group', {
      topic: 'py-group',
      group_id: 'py-readers',
      take: 4,
    });
    assert.deepEqual(first, { rows: ['none-0', 'none-1', 'none-2', 'none-3'], committed: 4 });
    const second = await py<{ rows: string[]; committed: number }>('group', {
      topic: 'py-group',
      group_id: 'py-readers',
      take: 2,
    });
    assert.deepEqual(second, { rows: ['none-4', 'none-5'], committed: 6 });
  });

  test('its admin client grows a topic with CreatePartitions', async () => {
    await broker.createTopic('py-grow', 1);
    const { partitions } = await py<{ partitions: number[] }>('grow', { topic: 'py-grow', count: 4 });
    assert.deepEqual(partitions, [0, 1, 2, 3]);
  });
});
