import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchedRequestQueue } from './request-queue-fix';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function queue(): Queue {
  const RequestQueue = PatchedRequestQueue as new (options: object) => Queue;
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { namespace: () => silent },
  });
}

test('an idle kafkajs connection schedules no check of its empty request queue (no 1 ms timer loop)', () => {
  const q = queue();
  q.checkPendingRequests(); // what every answered request does
  assert.equal(q.throttleCheckTimeoutId, null, 'nothing pending: no timer');
  q.destroy();
});

test('a request left waiting behind a throttle still gets its check scheduled', () => {
  const q = queue();
  q.throttledUntil = Date.now() + 60_000;
  q.pending.push({ correlationId: 1 });
  q.checkPendingRequests();
  assert.notEqual(q.throttleCheckTimeoutId, null, 'a pending request is checked again when the throttle ends');
  q.destroy();
});
