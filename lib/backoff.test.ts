import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from './backoff';

test('backoff doubles from the initial wait and stops at the longest', () => {
  const waits = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, { initialMs: 500, maxMs: 10_000 }));
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('backoff without a longest wait keeps doubling, and stays finite however many attempts', () => {
  assert.equal(backoffMs(3, { initialMs: 100 }), 800);
  assert.ok(Number.isFinite(backoffMs(10_000, { initialMs: 100 })));
  assert.equal(backoffMs(-1, { initialMs: 100 }), 100);
});

test('jitter takes at most its fraction of the wait off', () => {
  const options = { initialMs: 1000, maxMs: 1000, jitter: 0.5 };
  assert.equal(backoffMs(0, { ...options, random: () => 0 }), 1000);
  assert.equal(backoffMs(0, { ...options, random: () => 0.5 }), 750);
  assert.equal(backoffMs(0, { ...options, random: () => 0.999_999 }) > 500, true);
  for (let i = 0; i < 100; i += 1) {
    const wait = backoffMs(2, { initialMs: 100, maxMs: 10_000, jitter: 0.5 });
    assert.ok(wait > 200 && wait <= 400, `jittered wait ${wait} out of (200, 400]`);
  }
});
