// librdkafka (kcat) against the embedded broker: metadata, a 10k round trip with keys and headers, a balanced
// group of two kcat members, and records crossing between kcat and kafkajs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from './index';
import { KCAT, kcatMissing, LiveProcess, run } from './test-support/processes';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const skip = kcatMissing();

describe('kcat (librdkafka) interoperability', { skip: skip ?? false }, () => {
  const dir = makeTempDir('kcat');
  let broker: Broker;
  let kafka: Kafka;
  const live: LiveProcess[] = [];

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), initialRebalanceDelayMs: 200 });
    kafka = new Kafka({ brokers: [broker.address], clientId: 'kcat-test', logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await Promise.all(live.map((p) => p.stop('SIGKILL')));
    await broker.stop();
    dir.remove();
  });

  test('kcat -L lists the topics and their partitions', async () => {
    await broker.createTopic('presence-events', 3);
    const res = await run(KCAT, ['-L', '-b', broker.address]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /topic "presence-events" with 3 partitions/);
    assert.match(res.stdout, new RegExp(`broker 0 at ${broker.address.replace(/\./g, '\\.')}`));
  });

  test('kcat -P then -C round-trips 10k messages with keys and headers', async () => {
    await broker.createTopic('roundtrip', 2);
    const lines = [...Array(10_000).keys()].map((i) => `user-${i}:msg-${i}`).join('\n') + '\n';
    const prod = await run(
      KCAT,
      ['-P', '-b', broker.address, '-t', 'roundtrip', '-K', ':', '-H', 'trace-id=abc123', '-H', 'type=chat'],
      lines,
    );
    assert.equal(prod.code, 0, prod.stderr);
    const cons = await run(KCAT, [
      '-C',
      '-b',
      broker.address,
      '-t',
      'roundtrip',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p\t%o\t%k\t%s\t%h\n',
    ]);
    assert.equal(cons.code, 0, cons.stderr);
    const rows = cons.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.equal(rows.length, 10_000);
    const values = new Set(rows.map((r) => r[3]));
    assert.equal(values.size, 10_000);
    for (const [, , key, value, headers] of rows) {
      assert.equal(key?.replace('user-', ''), value?.replace('msg-', ''));
      assert.equal(headers, 'trace-id=abc123,type=chat');
    }
    // per partition, offsets run 0..n-1 in order
    for (const p of ['0', '1']) {
      const offsets = rows.filter((r) => r[0] === p).map((r) => Number(r[1]));
      assert.deepEqual(offsets, [...offsets.keys()]);
    }
  });

  test('two kcat -G members of one group split the partitions', { timeout: 90_000 }, async () => {
    await broker.createTopic('group-split', 4);
    const start = (name: string): LiveProcess => {
      const p = new LiveProcess(KCAT, [
        '-u',
        '-b',
        broker.address,
        '-G',
        'kcat-group',
        '-f',
        `${name} %p %s\\n`,
        '-X',
        'heartbeat.interval.ms=200',
        '-X',
        'auto.offset.reset=earliest',
        'group-split',
      ]);
      live.push(p);
      return p;
    };
    const a = start('A');
    await a.waitFor(/assigned:/, 30_000, 'stderr');
    const b = start('B');
    await b.waitFor(/assigned:/, 30_000, 'stderr');
    const group = broker.describeGroups().find((g) => g.groupId === 'kcat-group');
    assert.equal(group?.members.length, 2);
    const owned = group.members.map((m) => m.assigned.flatMap((t) => t.partitions).sort());
    assert.ok(
      owned.every((ps) => ps.length > 0),
      `each member should own partitions: ${JSON.stringify(owned)}`,
    );
    assert.deepEqual(owned.flat().sort(), [0, 1, 2, 3]);

    for (let p = 0; p < 4; p++) {
      const input = [...Array(10).keys()].map((i) => `p${p}-${i}`).join('\n') + '\n';
      const res = await run(KCAT, ['-P', '-b', broker.address, '-t', 'group-split', '-p', String(p)], input);
      assert.equal(res.code, 0, res.stderr);
    }
    const count = (s: string) => s.split('\n').filter((l) => /^[AB] \d /.test(l)).length;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kcat members read ${count(a.stdout) + count(b.stdout)} of 40`)),
        30_000,
      );
      const check = () => {
        if (count(a.stdout) + count(b.stdout) >= 40) {
          clearTimeout(timer);
          resolve();
        }
      };
      a.child.stdout?.on('data', check);
      b.child.stdout?.on('data', check);
      check();
    });
    assert.ok(count(a.stdout) > 0 && count(b.stdout) > 0, 'both members should have read records');
    const readBy = (out: string) =>
      new Set(
        out
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => Number(l.split(' ')[1])),
      );
    const partsA = readBy(a.stdout);
    const partsB = readBy(b.stdout);
    assert.ok(
      [...partsA].every((p) => !partsB.has(p)),
      'a partition was read by both members',
    );
    await Promise.all([a.stop('SIGINT'), b.stop('SIGINT')]);
  });

  test(
    'a record produced by kcat is consumed by kafkajs, and one produced by kafkajs (gzip) by kcat',
    { timeout: 60_000 },
    async () => {
      await broker.createTopic('cross-client', 1);
      const res = await run(
        KCAT,
        ['-P', '-b', broker.address, '-t', 'cross-client', '-K', ':', '-H', 'origin=kcat'],
        'from-kcat:hello from librdkafka\n',
      );
      assert.equal(res.code, 0, res.stderr);

      const consumer = kafka.consumer({ groupId: 'cross-reader', maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'cross-client', fromBeginning: true });
      const got = await new Promise<{ key: string; value: string; origin: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            resolve({
              key: String(message.key),
              value: String(message.value),
              origin: String(message.headers?.origin),
            });
          },
        });
      });
      await consumer.disconnect();
      assert.deepEqual(got, { key: 'from-kcat', value: 'hello from librdkafka', origin: 'kcat' });

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'cross-client',
        compression: CompressionTypes.GZIP,
        messages: [{ key: 'from-kafkajs', value: 'hello from kafkajs', headers: { origin: 'kafkajs' } }],
      });
      await producer.disconnect();
      const cons = await run(KCAT, [
        '-C',
        '-b',
        broker.address,
        '-t',
        'cross-client',
        '-o',
        '1',
        '-e',
        '-q',
        '-f',
        '%k|%s|%h\n',
      ]);
      assert.equal(cons.code, 0, cons.stderr);
      assert.equal(cons.stdout.trim(), 'from-kafkajs|hello from kafkajs|origin=kafkajs');
      const stored = await broker.readRecords('cross-client', 0, 1, 1);
      assert.equal(stored[0]?.codec, 'gzip');
      assert.equal(String(stored[0]?.value), 'hello from kafkajs');
    },
  );

  test(
    'kcat joining a kafkajs group is refused with INCONSISTENT_GROUP_PROTOCOL; the kafkajs member carries on',
    { timeout: 60_000 },
    async () => {
      await broker.createTopic('mixed-group', 2);
      const consumer = kafka.consumer({ groupId: 'mixed-clients', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'mixed-group' });
      let joined: () => void = () => undefined;
      const joinedP = new Promise<void>((resolve) => (joined = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => joined());
      await consumer.run({ eachMessage: async () => undefined });
      await joinedP;
      const intruder = new LiveProcess(KCAT, ['-b', broker.address, '-G', 'mixed-clients', 'mixed-group']);
      live.push(intruder);
      await intruder.waitFor(/Inconsistent group protocol/, 30_000, 'stderr');
      await intruder.stop('SIGKILL');
      const group = broker.describeGroups().find((g) => g.groupId === 'mixed-clients');
      assert.equal(group?.state, 'Stable');
      assert.equal(group?.members.length, 1);
      assert.equal(group?.protocol, 'RoundRobinAssigner');
      await consumer.disconnect();
    },
  );
});
