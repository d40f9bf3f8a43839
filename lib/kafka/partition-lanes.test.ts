import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { PartitionLanes, type LaneHandler } from './partition-lanes';

function records(from: number, count: number): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => ({ offset: String(from + i) }) as KafkaMessage);
}

/** A handler whose calls stay open until released, recording what each call got. */
function gatedHandler() {
  const calls: Array<{ partition: number; offsets: string[]; release: (ok: boolean) => void }> = [];
  const handle: LaneHandler = (_topic, partition, messages) =>
    new Promise((resolve) => calls.push({ partition, offsets: messages.map((m) => m.offset), release: resolve }));
  return { calls, handle };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a lane handles its records in offset order, taking what queued meanwhile in one chunk', async () => {
  const { calls, handle } = gatedHandler();
  const lanes = new PartitionLanes(handle, { maxChunk: 3, maxQueued: 100 }, assert.fail);
  lanes.enqueue('t', 0, records(0, 2));
  lanes.enqueue('t', 0, records(2, 2));
  lanes.enqueue('t', 0, records(4, 2));
  await tick();
  assert.deepEqual(
    calls.map((c) => c.offsets),
    [['0', '1']],
    'the first batch starts at once, alone',
  );
  calls[0]?.release(true);
  await tick();
  assert.deepEqual(calls[1]?.offsets, ['2', '3', '4'], 'then the next chunk takes queued batches together');
  calls[1]?.release(true);
  await tick();
  assert.deepEqual(calls[2]?.offsets, ['5']);
  calls[2]?.release(true);
  await lanes.idle();
  assert.equal(lanes.queued, 0);
});

test('partitions are handled side by side: a slow one does not hold up another', async () => {
  const { calls, handle } = gatedHandler();
  const lanes = new PartitionLanes(handle, { maxChunk: 10, maxQueued: 100 }, assert.fail);
  lanes.enqueue('t', 0, records(0, 1));
  lanes.enqueue('t', 1, records(0, 1));
  await tick();
  assert.deepEqual(
    calls.map((c) => c.partition),
    [0, 1],
  );
  for (const call of calls) call.release(true);
  await lanes.idle();
});

test('a throwing handler drops the rest of its lane and reports the first offset not handled', async () => {
  const reported: Array<{ partition: number; offset: string }> = [];
  const handled: string[] = [];
  const lanes = new PartitionLanes(
    async (_t, partition, messages) => {
      if (partition === 0 && messages[0]?.offset === '2') throw new Error('repo down');
      handled.push(...messages.map((m) => `${partition}:${m.offset}`));
      return true;
    },
    { maxChunk: 2, maxQueued: 100 },
    (_err, from) => reported.push({ partition: from.partition, offset: from.offset }),
  );
  lanes.enqueue('t', 0, records(0, 6));
  lanes.enqueue('t', 1, records(0, 2));
  await lanes.idle();
  assert.deepEqual(reported, [{ partition: 0, offset: '2' }]);
  assert.deepEqual(handled.sort(), ['0:0', '0:1', '1:0', '1:1']);
  assert.equal(lanes.queued, 0, 'what followed the failed chunk was dropped, to be fetched again');
});

test('whenRoom waits while too many records are queued, and dropQueued empties every lane', async () => {
  const { calls, handle } = gatedHandler();
  const lanes = new PartitionLanes(handle, { maxChunk: 2, maxQueued: 4 }, assert.fail);
  lanes.enqueue('t', 0, records(0, 8));
  await tick();
  assert.equal(lanes.queued, 6, 'two records are in hand, six wait');
  let roomy = false;
  const room = lanes.whenRoom(10_000).then(() => (roomy = true));
  await tick();
  assert.equal(roomy, false);
  calls[0]?.release(true);
  await tick();
  await tick();
  assert.equal(lanes.queued, 4);
  assert.equal(roomy, false, 'still at the limit');
  lanes.dropQueued();
  await room;
  assert.equal(lanes.queued, 0);
  calls[1]?.release(true);
  await lanes.idle();
  assert.equal(calls.length, 2, 'nothing dropped was handed to the handler');
});

test('whenRoom gives up after its time so the caller can heartbeat', async () => {
  const lanes = new PartitionLanes(
    () => new Promise<boolean>(() => undefined),
    { maxChunk: 1, maxQueued: 1 },
    assert.fail,
  );
  lanes.enqueue('t', 0, records(0, 3));
  const started = Date.now();
  await lanes.whenRoom(30);
  assert.ok(Date.now() - started >= 25);
  assert.equal(lanes.queued, 2);
});
