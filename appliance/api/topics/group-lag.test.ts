import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withUncommittedPartitions } from './group-lag';
import type { GroupInfo, TopicInfo } from '../ports';

const topics: TopicInfo[] = [
  {
    name: 'gochat.messages.upstream',
    partitions: [
      { partition: 0, lowWatermark: 0, highWatermark: 4 },
      { partition: 1, lowWatermark: 0, highWatermark: 3 },
      { partition: 2, lowWatermark: 0, highWatermark: 0 },
    ],
  },
  { name: 'gochat.messages.downstream', partitions: [{ partition: 0, lowWatermark: 0, highWatermark: 7 }] },
];

const group = (groupId: string): GroupInfo => ({
  groupId,
  state: 'Empty',
  members: 0,
  partitions: [{ topic: 'gochat.messages.upstream', partition: 0, committedOffset: 4, highWatermark: 4, lag: 0 }],
});

test('records on a partition im-logic never committed on count as its lag (it reads from the beginning)', () => {
  const [logic] = withUncommittedPartitions([group('im-logic')], topics);
  assert.deepEqual(
    logic!.partitions.map((p) => [p.partition, p.lag]),
    [
      [0, 0],
      [1, 3],
      [2, 0],
    ],
  );
  assert.ok(
    logic!.partitions.every((p) => p.topic === 'gochat.messages.upstream'),
    'only the topics it reads: none it has never committed on',
  );
});

test("a gateway's group starts at the end: what was stored before it joined is not its lag", () => {
  const [gateway] = withUncommittedPartitions([group('im-gateway.gw-1')], topics);
  assert.equal(gateway!.partitions.length, 1);
});
