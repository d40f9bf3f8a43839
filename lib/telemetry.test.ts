import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  currentTraceparent,
  hasActiveSpan,
  SpanKind,
  startSpan,
  traceparentOf,
  withActiveSpan,
  withTraceSync,
} from './telemetry';

const RECORD = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

test('outside any work there is no current trace, and a span starts a new one', () => {
  assert.equal(currentTraceparent(), undefined);
  assert.equal(hasActiveSpan(), false);
  const span = startSpan('alone', { kind: SpanKind.INTERNAL });
  assert.notEqual(span.spanContext().traceId, traceIdOf(RECORD));
  span.end();
});

test("synchronous work run in a record's trace sees it, and its spans are children of it", () => {
  const seen = withTraceSync(
    RECORD,
    (name: string) => {
      const span = startSpan(name, { kind: SpanKind.PRODUCER });
      span.end();
      return { current: currentTraceparent(), active: hasActiveSpan(), traceId: span.spanContext().traceId };
    },
    'push',
  );
  assert.deepEqual(seen, { current: RECORD, active: true, traceId: traceIdOf(RECORD) });
  assert.equal(currentTraceparent(), undefined, 'nothing is left behind after the call');
});

test('the trace is restored when the work throws, and an outer one comes back after a nested one', () => {
  const other = '00-11111111111111111111111111111111-2222222222222222-01';
  withTraceSync(
    RECORD,
    () => {
      assert.throws(() =>
        withTraceSync(
          other,
          () => {
            assert.equal(currentTraceparent(), other);
            throw new Error('handler failed');
          },
          undefined,
        ),
      );
      assert.equal(currentTraceparent(), RECORD);
    },
    undefined,
  );
  assert.equal(currentTraceparent(), undefined);
});

test("an active span is the current trace, across awaits, and nested work's span is closer than a record's", async () => {
  const span = startSpan('ws send', { kind: SpanKind.SERVER, root: true });
  const expected = traceparentOf(span);
  const after = await withActiveSpan(span, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return currentTraceparent();
  });
  assert.equal(after, expected);
  const nested = withTraceSync(RECORD, () => withActiveSpan(span, () => currentTraceparent()), undefined);
  assert.equal(nested, expected);
  span.end();
});
