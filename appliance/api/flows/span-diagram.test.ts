import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReportedSpan } from '../ports';
import { arrowsFromSpans } from './span-diagram';

const TRACE = 'c'.repeat(32);
let next = 0;

function span(fields: Partial<ReportedSpan> & Pick<ReportedSpan, 'kind' | 'service' | 'name'>): ReportedSpan {
  next += 1;
  return {
    traceId: TRACE,
    spanId: next.toString(16).padStart(16, '0'),
    parentSpanId: '',
    instance: fields.service,
    startMs: 1000 + next,
    durationMs: 2,
    ok: true,
    statusMessage: '',
    attributes: {},
    ...fields,
  };
}

const grpc = { 'rpc.system': 'grpc', 'rpc.service': 'gochat.repo.v1.RepoService' };
const none = () => undefined;

describe('arrowsFromSpans', () => {
  test('a call that failed and was made again is drawn twice, the second numbered as attempt 2', () => {
    const failed = span({ kind: 'client', service: 'im-logic', name: 'SaveMessages', ok: false, attributes: grpc });
    failed.statusMessage = 'UNAVAILABLE: no connection';
    const again = span({ kind: 'client', service: 'im-logic', name: 'SaveMessages', attributes: grpc });
    const served = span({ kind: 'server', service: 'im-repo', name: 'SaveMessages', attributes: grpc });
    served.parentSpanId = again.spanId;
    const arrows = arrowsFromSpans([failed, again, served], none, 2000);
    const calls = arrows.filter((a) => a.label === 'SaveMessages');
    assert.deepEqual(
      calls.map((a) => [a.from, a.to, a.status, a.attempt]),
      [
        ['im-logic', 'im-repo', 'UNAVAILABLE: no connection', undefined],
        ['im-logic', 'im-repo', 'OK', 2],
      ],
    );
  });

  test('a call made twice without failing is not a retry', () => {
    const first = span({ kind: 'client', service: 'im-task', name: 'GetUserFriends', attributes: grpc });
    const second = span({ kind: 'client', service: 'im-task', name: 'GetUserFriends', attributes: grpc });
    const served = [first, second].map((caller) => {
      const s = span({ kind: 'server', service: 'im-repo', name: 'GetUserFriends', attributes: grpc });
      s.parentSpanId = caller.spanId;
      return s;
    });
    const arrows = arrowsFromSpans([first, second, ...served], none, 2000);
    assert.deepEqual(
      arrows.map((a) => a.attempt),
      [undefined, undefined],
    );
  });

  test("a record its topic's consumer never took is drawn missing once 5 s passed, not before", () => {
    const produced = span({
      kind: 'producer',
      service: 'im-logic',
      name: 'publish',
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': 'gochat.messages.persist',
        'messaging.destination.partition.id': 0,
        'messaging.kafka.offset': 7,
        'gochat.event_type': 'message.persist',
      },
    });
    assert.equal(arrowsFromSpans([produced], none, produced.startMs + 1000).filter((a) => a.missing).length, 0);
    const missing = arrowsFromSpans([produced], none, produced.startMs + 6000).filter((a) => a.missing);
    assert.deepEqual(
      missing.map((a) => [a.from, a.to, a.label]),
      [['topic:gochat.messages.persist', 'im-task', 'consume (missing)']],
    );
  });
});
