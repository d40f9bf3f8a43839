// kafkajs admin against the broker: topics created and deleted (files included), configs, groups listed,
// described and deleted, offsets looked up by time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startBroker, type Broker } from './index';
import { buildBatch } from './test-support/batch-builder';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

/** kafkajs wraps per-topic errors in an aggregate; match the protocol error type inside it. */
function causedBy(type: string) {
  return (err: unknown): boolean => {
    const errors = (err as { errors?: Array<{ type?: string }> }).errors ?? [];
    assert.ok(
      errors.some((e) => e.type === type),
      `expected ${type} in ${JSON.stringify(errors.map((e) => e.type))}`,
    );
    return true;
  };
}

describe('kafkajs admin', () => {
  const dir = makeTempDir('admin');
  let broker: Broker;
  let admin: Admin;
  let kafka: Kafka;

  before(async () => {
    broker = await startBroker({
      dataDir: dir.path,
      logger: recordingLogger(),
      defaultPartitions: 3,
      initialRebalanceDelayMs: 0,
    });
    kafka = new Kafka({ brokers: [broker.address], clientId: 'admin-test', logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin.disconnect();
    await broker.stop();
    dir.remove();
  });

  test('topics are created with their partitions, refused when invalid, and deleted with their files', async () => {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'conversations', numPartitions: 4 }] }), true);
    assert.equal(await admin.createTopics({ topics: [{ topic: 'conversations', numPartitions: 4 }] }), false);
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }] }),
      causedBy('INVALID_TOPIC_EXCEPTION'),
    );
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 1, replicationFactor: 3 }] }),
      causedBy('INVALID_REPLICATION_FACTOR'),
    );
    const meta = await admin.fetchTopicMetadata({ topics: ['conversations'] });
    assert.equal(meta.topics[0]?.partitions.length, 4);
    assert.ok(existsSync(join(dir.path, 'topics', 'conversations', '3')));

    await admin.deleteTopics({ topics: ['conversations'] });
    assert.ok(!(await admin.listTopics()).includes('conversations'));
    assert.ok(!existsSync(join(dir.path, 'topics', 'conversations')));
  });

  test('a topic named in metadata is auto-created with the default partition count', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'auto-made', messages: [{ value: 'x' }] });
    await producer.disconnect();
    assert.equal(broker.listTopics().find((t) => t.name === 'auto-made')?.partitions.length, 3);
  });

  test('describeConfigs answers for topics and refuses unknown ones', async () => {
    await broker.createTopic('configured', 1);
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'configured' }] });
    const names = res.resources[0]?.configEntries.map((e) => e.configName);
    assert.ok(names?.includes('retention.ms') && names.includes('cleanup.policy'));
    await assert.rejects(
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'missing-topic' }] }),
    );
  });

  test('groups are listed, described and deleted once empty', { timeout: 30_000 }, async () => {
    await broker.createTopic('group-admin', 1);
    const consumer = kafka.consumer({ groupId: 'admin-readers', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'group-admin' });
    let joined: () => void = () => undefined;
    const joinedP = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    try {
      await consumer.run({ eachMessage: async () => undefined });
      await joinedP;
      const { groups } = await admin.listGroups();
      assert.ok(groups.some((g) => g.groupId === 'admin-readers' && g.protocolType === 'consumer'));
      const described = await admin.describeGroups(['admin-readers']);
      assert.equal(described.groups[0]?.state, 'Stable');
      assert.equal(described.groups[0]?.members.length, 1);
      await assert.rejects(admin.deleteGroups(['admin-readers']), (err: unknown) => {
        const groups = (err as { groups?: Array<{ errorCode?: number }> }).groups ?? [];
        assert.equal(groups[0]?.errorCode, 68); // NON_EMPTY_GROUP
        return true;
      });
    } finally {
      await consumer.disconnect();
    }
    const deleted = await admin.deleteGroups(['admin-readers']);
    assert.equal(deleted[0]?.errorCode, 0);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === 'admin-readers'));
  });

  test('offsets are found by timestamp, earliest and latest', async () => {
    await broker.createTopic('timeline', 1);
    const client = await RawKafkaClient.connect(broker.port);
    for (const [i, ts] of [1000, 2000, 3000].entries()) {
      assert.deepEqual(
        await produceBatch(client, 'timeline', 0, buildBatch([{ value: `at-${ts}` }], { timestamp: ts })),
        [0, i],
      );
    }
    client.close();
    const byTime = await admin.fetchTopicOffsetsByTimestamp('timeline', 1500);
    assert.equal(byTime[0]?.offset, '1');
    const afterAll = await admin.fetchTopicOffsetsByTimestamp('timeline', 9000);
    assert.equal(afterAll[0]?.offset, '3');
    const ends = await admin.fetchTopicOffsets('timeline');
    assert.deepEqual([ends[0]?.low, ends[0]?.high], ['0', '3']);
  });
});
