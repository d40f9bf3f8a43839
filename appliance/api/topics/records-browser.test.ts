import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrokerRecord } from '../ports';
import { RecordsBrowser } from './records-browser';
import { FakeKafka } from '../test-support';

function kafkaWith(perPartition: number): FakeKafka {
  const kafka = new FakeKafka();
  for (let partition = 0; partition < 3; partition++) {
    const records: BrokerRecord[] = [];
    for (let offset = 0; offset < perPartition; offset++) {
      records.push({
        topic: 't',
        partition,
        offset,
        timestampMs: 1_000 + offset * 10 + partition,
        key: Buffer.from(`key-${offset % 5}`),
        value: null,
        headers: { 'event-type': Buffer.from(offset % 2 === 0 ? 'even' : 'odd') },
      });
    }
    kafka.append(records);
  }
  return kafka;
}

test('pages through every record exactly once with the cursor', async () => {
  const browser = new RecordsBrowser(kafkaWith(100));
  const seen = new Set<string>();
  let cursor: Record<string, number> | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await browser.browse({
      topic: 't',
      partition: null,
      start: { from: 'oldest' },
      limit: 40,
      scanLimit: 10_000,
      filter: {},
      cursor,
    });
    for (const r of result.records) {
      const id = `${r.partition}@${r.offset}`;
      assert.ok(!seen.has(id), `${id} came twice`);
      seen.add(id);
    }
    if (result.done) break;
    cursor = result.cursor;
  }
  assert.equal(seen.size, 300);
});

test('seeks each partition to the first record at or after a time', async () => {
  const browser = new RecordsBrowser(kafkaWith(100));
  const result = await browser.browse({
    topic: 't',
    partition: null,
    start: { from: 'time', timeMs: 1_500 },
    limit: 3,
    scanLimit: 3,
    filter: {},
  });
  // Partition p has timestamps 1000 + 10 * offset + p: the first at or after 1500 is offset 50 for p0, 50 for p1 (1501), 50 for p2.
  assert.deepEqual(result.records.map((r) => `${r.partition}@${r.offset}`).sort(), ['0@50', '1@50', '2@50']);
  const end = await browser.browse({
    topic: 't',
    partition: 1,
    start: { from: 'time', timeMs: 99_999 },
    limit: 10,
    scanLimit: 10,
    filter: {},
  });
  assert.equal(end.records.length, 0);
  assert.equal(end.done, true);
});

test('newest takes the last records of every partition', async () => {
  const browser = new RecordsBrowser(kafkaWith(100));
  const result = await browser.browse({
    topic: 't',
    partition: null,
    start: { from: 'newest' },
    limit: 6,
    scanLimit: 100,
    filter: {},
  });
  assert.deepEqual(result.records.map((r) => `${r.partition}@${r.offset}`).sort(), [
    '0@98',
    '0@99',
    '1@98',
    '1@99',
    '2@98',
    '2@99',
  ]);
  assert.equal(result.done, true);
});

test('a filtered search reports how far it got and continues from there', async () => {
  const browser = new RecordsBrowser(kafkaWith(1000));
  const filter = { key: 'key-3', eventType: 'odd' };
  const first = await browser.browse({
    topic: 't',
    partition: null,
    start: { from: 'oldest' },
    limit: 1000,
    scanLimit: 900,
    filter,
  });
  assert.equal(first.scanned, 900);
  assert.equal(first.done, false);
  assert.equal(first.remaining, 2100);
  assert.ok(first.records.every((r) => r.key === 'key-3' && r.eventType === 'odd'));
  let total = first.records.length;
  let cursor = first.cursor;
  for (;;) {
    const next = await browser.browse({
      topic: 't',
      partition: null,
      start: { from: 'oldest' },
      limit: 1000,
      scanLimit: 900,
      filter,
      cursor,
    });
    total += next.records.length;
    cursor = next.cursor;
    if (next.done) break;
  }
  // key-3 is offsets 3, 13, 23, ... (all odd): 100 per partition.
  assert.equal(total, 300);
});
