// A console that stops reading (a paused tab, a slow machine) must not grow the server's memory, and must not
// silently lose records either: what the server drops it names in a "gap" message, by offsets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { startApplianceApi, type ApplianceApi } from '../appliance-api';
import type { BrokerRecord } from '../ports';
import { FakeControl, FakeKafka } from '../test-support';

let api: ApplianceApi;
const kafka = new FakeKafka();

before(async () => {
  api = await startApplianceApi({ control: new FakeControl([]), kafka, rendererDir: () => null });
});
after(async () => {
  await api.close();
});

function record(offset: number): BrokerRecord {
  return {
    topic: 't',
    partition: 0,
    offset,
    timestampMs: offset,
    key: Buffer.alloc(1024, 'k'),
    value: null,
    headers: {},
  };
}

test('a congested console gets every offset either pushed or named in a gap', { timeout: 60_000 }, async () => {
  const socket = new WebSocket(`${api.url.replace('http', 'ws')}/api/live?token=${api.token}`);
  const received = new Set<number>();
  const gaps: { fromOffset: number; toOffset: number }[] = [];
  let onMessage: (m: any) => void = () => undefined;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'records') for (const r of message.records) received.add(r.offset);
    if (message.type === 'gap') gaps.push(...message.ranges);
    onMessage(message);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  const subscribed = new Promise((resolve) => (onMessage = (m) => m.type === 'subscribed' && resolve(m)));
  socket.send(JSON.stringify({ type: 'subscribe', records: ['t'] }));
  await subscribed;

  // Stop reading, then append about 30 MB of record summaries in flushes the hub sees one by one.
  socket.pause();
  const TOTAL = 30_000;
  for (let offset = 0; offset < TOTAL; offset += 1000) {
    kafka.append(Array.from({ length: 1000 }, (_, i) => record(offset + i)));
    await new Promise((resolve) => setTimeout(resolve, 120));
  }
  socket.resume();
  // One more record after the console caught up: the hub reports the gap before pushing it.
  const last = new Promise(
    (resolve) =>
      (onMessage = (m) => m.type === 'records' && m.records.some((r: any) => r.offset === TOTAL) && resolve(m)),
  );
  const drained = setInterval(() => kafka.append([record(TOTAL)]), 500);
  await last;
  clearInterval(drained);
  socket.close();

  assert.ok(gaps.length > 0, 'the test congested the socket (otherwise it checks nothing)');
  const missing: number[] = [];
  for (let offset = 0; offset <= TOTAL; offset++) {
    if (!received.has(offset) && !gaps.some((g) => offset >= g.fromOffset && offset <= g.toOffset))
      missing.push(offset);
  }
  assert.deepEqual(missing, [], 'every offset was pushed or named in a gap');
  const dropped = gaps.reduce((n, g) => n + g.toOffset - g.fromOffset + 1, 0);
  assert.ok(received.size + dropped >= TOTAL);
});
