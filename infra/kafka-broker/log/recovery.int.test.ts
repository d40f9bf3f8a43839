// Recovery after a crash that left a torn or corrupt tail: the log is cut at the first bad batch, everything
// before it is kept and served, and new appends continue from there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker } from '../index';
import { buildBatch } from '../test-support/batch-builder';
import { produceBatch, RawKafkaClient } from '../test-support/raw-client';
import { makeTempDir, recordingLogger } from '../test-support/temp-dir';

async function seed(dataDir: string, count: number): Promise<string> {
  const broker = await startBroker({ dataDir, logger: recordingLogger() });
  await broker.createTopic('inbox', 1);
  const client = await RawKafkaClient.connect(broker.port);
  for (let i = 0; i < count; i++) {
    const [code] = await produceBatch(
      client,
      'inbox',
      0,
      buildBatch([{ key: `k${i}`, value: `message-${i}`, headers: { seq: String(i) } }]),
    );
    assert.equal(code, 0);
  }
  client.close();
  await broker.stop();
  const partDir = join(dataDir, 'topics', 'inbox', '0');
  const [segment] = readdirSync(partDir).filter((n) => n.endsWith('.log'));
  assert.ok(segment);
  return join(partDir, segment);
}

async function reopenAndRead(dataDir: string) {
  const logger = recordingLogger();
  const broker = await startBroker({ dataDir, logger });
  const records = await broker.readRecords('inbox', 0, 0, 1000);
  return { broker, logger, values: records.map((r) => String(r.value)) };
}

const expected = (n: number) => [...Array(n).keys()].map((i) => `message-${i}`);

describe('log recovery', () => {
  test('a half-written batch at the end is cut off and the earlier ones kept', async () => {
    const dir = makeTempDir('torn');
    try {
      const segment = await seed(dir.path, 20);
      const whole = statSync(segment).size;
      const torn = buildBatch([{ value: 'never-acknowledged' }]);
      torn.writeBigInt64BE(20n, 0);
      appendFileSync(segment, torn.subarray(0, 40));
      const { broker, logger, values } = await reopenAndRead(dir.path);
      try {
        assert.deepEqual(values, expected(20));
        assert.equal(statSync(segment).size, whole);
        assert.ok(
          logger.warnings.some((w) => w.includes('cutting the log')),
          logger.warnings.join('\n'),
        );
        // appends continue right after the kept records
        const client = await RawKafkaClient.connect(broker.port);
        assert.deepEqual(await produceBatch(client, 'inbox', 0, buildBatch([{ value: 'message-20' }])), [0, 20]);
        client.close();
        assert.deepEqual(
          (await broker.readRecords('inbox', 0, 0, 1000)).map((r) => String(r.value)),
          expected(21),
        );
      } finally {
        await broker.stop();
      }
    } finally {
      dir.remove();
    }
  });

  test('a batch whose bytes were corrupted fails its CRC32C and is cut with everything after it', async () => {
    const dir = makeTempDir('corrupt');
    try {
      const segment = await seed(dir.path, 10);
      const data = readFileSync(segment);
      const batchSize = data.length / 10;
      // flip one byte inside the 8th batch's record
      const at = 7 * batchSize + batchSize - 3;
      data.writeUInt8(data.readUInt8(at) ^ 0x55, at);
      writeFileSync(segment, data);
      const { broker, logger, values } = await reopenAndRead(dir.path);
      try {
        assert.deepEqual(values, expected(7));
        assert.ok(
          logger.warnings.some((w) => w.includes('CRC32C mismatch')),
          logger.warnings.join('\n'),
        );
        assert.equal(broker.listTopics()[0]?.partitions[0]?.highWatermark, 7);
      } finally {
        await broker.stop();
      }
    } finally {
      dir.remove();
    }
  });

  test('a torn committed-offsets frame is dropped and earlier commits survive', async () => {
    const dir = makeTempDir('offsets');
    try {
      await seed(dir.path, 3);
      const broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
      const client = await RawKafkaClient.connect(broker.port);
      const commit = (offset: number) =>
        client.request(8, 7, (w) => {
          w.string('readers').int32(-1).string('').nullableString(null);
          w.array(['inbox'], (w2, t) => {
            w2.string(t);
            w2.array([0], (w3, p) => w3.int32(p).int64(offset).int32(-1).nullableString(null));
          });
        });
      await commit(2);
      client.close();
      await broker.stop();
      appendFileSync(join(dir.path, 'groups', 'offsets.log'), Buffer.from([0, 0, 0, 90, 1, 2, 3]));
      const { broker: again, logger } = await reopenAndRead(dir.path);
      try {
        const group = again.describeGroups().find((g) => g.groupId === 'readers');
        assert.deepEqual(
          group?.offsets.map((o) => [o.partition, o.committedOffset, o.lag]),
          [[0, 2, 1]],
        );
        assert.ok(
          logger.warnings.some((w) => w.includes('offsets.log')),
          logger.warnings.join('\n'),
        );
      } finally {
        await again.stop();
      }
    } finally {
      dir.remove();
    }
  });

  test('a committed offset beyond the end left by a cut is dropped, so the group resets by its policy', async () => {
    const dir = makeTempDir('offset-beyond-cut');
    try {
      const segment = await seed(dir.path, 10);
      const broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
      const client = await RawKafkaClient.connect(broker.port);
      const commit = (group: string, offset: number) =>
        client.request(8, 7, (w) => {
          w.string(group).int32(-1).string('').nullableString(null);
          w.array(['inbox'], (w2, t) => {
            w2.string(t);
            w2.array([0], (w3, p) => w3.int32(p).int64(offset).int32(-1).nullableString(null));
          });
        });
      await commit('caught-up', 10); // read everything
      await commit('behind', 4); // still reading
      client.close();
      await broker.stop();
      // the last three batches were never on disk after all: the file ends mid-way through the 8th
      const data = readFileSync(segment);
      writeFileSync(segment, data.subarray(0, (data.length / 10) * 7 + 11));

      const { broker: again, logger, values } = await reopenAndRead(dir.path);
      try {
        assert.deepEqual(values, expected(7));
        const offsets = (group: string) =>
          again
            .describeGroups()
            .find((g) => g.groupId === group)
            ?.offsets.map((o) => [o.partition, o.committedOffset]) ?? [];
        // offset 10 will be given to a new record soon: resuming there would skip offsets 7-9 as they are refilled
        assert.deepEqual(offsets('caught-up'), []);
        assert.deepEqual(offsets('behind'), [[0, 4]]);
        assert.ok(
          logger.warnings.some((w) => w.includes('group caught-up had committed inbox/0 at 10, beyond the log')),
          logger.warnings.join('\n'),
        );
      } finally {
        await again.stop();
      }
      // dropped for good, not only until the next start
      const third = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
      try {
        assert.equal(third.describeGroups().find((g) => g.groupId === 'caught-up')?.offsets.length ?? 0, 0);
      } finally {
        await third.stop();
      }
    } finally {
      dir.remove();
    }
  });

  test('idempotent producer state survives a restart: a retry after it is still recognised', async () => {
    const dir = makeTempDir('producer-state');
    try {
      const first = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
      await first.createTopic('inbox', 1);
      let client = await RawKafkaClient.connect(first.port);
      const batch = buildBatch([{ value: 'once' }, { value: 'only' }], {
        producerId: 4242,
        producerEpoch: 0,
        baseSequence: 0,
      });
      assert.deepEqual(await produceBatch(client, 'inbox', 0, Buffer.from(batch)), [0, 0]);
      client.close();
      await first.stop();

      const second = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
      try {
        client = await RawKafkaClient.connect(second.port);
        assert.deepEqual(await produceBatch(client, 'inbox', 0, Buffer.from(batch)), [0, 0]);
        const gap = buildBatch([{ value: 'gap' }], { producerId: 4242, producerEpoch: 0, baseSequence: 5 });
        assert.equal((await produceBatch(client, 'inbox', 0, gap))[0], 45);
        client.close();
        assert.deepEqual(
          (await second.readRecords('inbox', 0, 0, 10)).map((r) => String(r.value)),
          ['once', 'only'],
        );
      } finally {
        await second.stop();
      }
    } finally {
      dir.remove();
    }
  });

  test('a damaged meta.json stops the start with an error naming the file, and leaves the data alone', async () => {
    const dir = makeTempDir('meta');
    try {
      const segment = await seed(dir.path, 2);
      const before = readFileSync(segment);
      writeFileSync(join(dir.path, 'meta.json'), '{"topics": {"inbox": ');
      await assert.rejects(
        startBroker({ dataDir: dir.path, logger: recordingLogger() }),
        /meta\.json is not valid broker metadata/,
      );
      assert.deepEqual(readFileSync(segment), before);
      // the failed start released the data dir: a repaired file starts fine
      writeFileSync(
        join(dir.path, 'meta.json'),
        JSON.stringify({ topics: { inbox: { partitions: 1 } }, nextProducerId: 1000 }),
      );
      const { broker, values } = await reopenAndRead(dir.path);
      await broker.stop();
      assert.deepEqual(values, expected(2));
    } finally {
      dir.remove();
    }
  });

  test('a missing meta.json is rebuilt from the topic directories instead of dropping them', async () => {
    const dir = makeTempDir('meta-missing');
    try {
      await seed(dir.path, 3);
      unlinkSync(join(dir.path, 'meta.json'));
      const { broker, logger, values } = await reopenAndRead(dir.path);
      await broker.stop();
      assert.deepEqual(values, expected(3));
      assert.ok(logger.warnings.some((w) => w.includes('rebuilt it from the topic directories')));
    } finally {
      dir.remove();
    }
  });
});
