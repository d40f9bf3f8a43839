import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerRecord } from '../ports';
import { appendedRuns } from '../test-support';
import { RecordBacklog } from './record-backlog';

const record = (offset: number) => ({ topic: 't', partition: 0, offset }) as unknown as BrokerRecord;

test('records wait until drained, in order, keeping only the newest past the limit', () => {
  const seen: number[] = [];
  const backlog = new RecordBacklog(10, (records) => seen.push(...records.map((r) => r.offset)));
  backlog.drain();
  assert.deepEqual(seen, []);
  for (let i = 0; i < 25; i++) for (const run of appendedRuns([record(i)])) backlog.add(run);
  backlog.drain();
  assert.deepEqual(seen, [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  backlog.drain();
  assert.equal(seen.length, 10);
});
