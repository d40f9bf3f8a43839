import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SameTurnCalls } from './same-turn-calls';
import { currentTraceparent, SpanKind, startSpan, traceparentOf, withActiveSpan } from './telemetry';

/** Calls that double numbers; records each call's request and the trace it was made in. */
function doubler(fail?: (request: number[]) => boolean, limit = 100) {
  const made: Array<{ request: number[]; trace: string | undefined }> = [];
  const calls = new SameTurnCalls<number[], number[]>({
    send: (request) => {
      made.push({ request, trace: currentTraceparent() });
      return fail?.(request)
        ? Promise.reject(new Error(`refused ${request.join(',')}`))
        : Promise.resolve(request.map((n) => 2 * n));
    },
    merge: (requests) => requests.flat(),
    fits: (joined, next) => joined.flat().length + next.length <= limit,
    split: (response, requests) => {
      let at = 0;
      return requests.map((r) => response.slice(at, (at += r.length)));
    },
  });
  return { made, calls };
}

test('calls asked for in the same turn are made as one, and each caller gets its own answer', async () => {
  const { made, calls } = doubler();
  const answers = await Promise.all([calls.call([1, 2]), calls.call([3]), calls.call([4, 5])]);
  assert.deepEqual(answers, [[2, 4], [6], [8, 10]]);
  assert.deepEqual(
    made.map((m) => m.request),
    [[1, 2, 3, 4, 5]],
  );
});

test('calls of different turns are made apart', async () => {
  const { made, calls } = doubler();
  await calls.call([1]);
  await calls.call([2]);
  assert.deepEqual(
    made.map((m) => m.request),
    [[1], [2]],
  );
});

test("a merged call stays within the server's limit; a caller over it alone is still made alone", async () => {
  const { made, calls } = doubler(undefined, 3);
  const answers = await Promise.all([calls.call([1, 2]), calls.call([3]), calls.call([4, 5, 6, 7]), calls.call([8])]);
  assert.deepEqual(answers, [[2, 4], [6], [8, 10, 12, 14], [16]]);
  assert.deepEqual(
    made.map((m) => m.request),
    [[1, 2, 3], [4, 5, 6, 7], [8]],
  );
});

test('when a merged call fails, each caller is tried alone: only the one that causes the failure fails', async () => {
  const { made, calls } = doubler((request) => request.includes(13));
  const [good, bad] = await Promise.allSettled([calls.call([1]), calls.call([13])]);
  assert.deepEqual(good, { status: 'fulfilled', value: [2] });
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /refused 13/);
  assert.deepEqual(
    made.map((m) => m.request),
    [[1, 13], [1], [13]],
  );
});

test('an answer that cannot be split is asked for again caller by caller', async () => {
  const made: number[][] = [];
  const calls = new SameTurnCalls<number[], number>({
    send: (request) => (made.push(request), Promise.resolve(request.length)),
    merge: (requests) => requests.flat(),
    fits: () => true,
    split: () => undefined,
  });
  assert.deepEqual(await Promise.all([calls.call([1, 2]), calls.call([3])]), [2, 1]);
  assert.deepEqual(made, [[1, 2, 3], [1, 2], [3]]);
});

test("a lone caller's call is made in its trace; a merged call belongs to none", async () => {
  const { made, calls } = doubler();
  const a = startSpan('a', { kind: SpanKind.CONSUMER, root: true });
  const b = startSpan('b', { kind: SpanKind.CONSUMER, root: true });
  await withActiveSpan(a, () => calls.call([1]));
  await Promise.all([withActiveSpan(a, () => calls.call([2])), withActiveSpan(b, () => calls.call([3]))]);
  assert.deepEqual(
    made.map((m) => m.trace),
    [traceparentOf(a), undefined],
  );
});
