import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageDownstream, MessageRead, MessageUpstream } from '../../../proto/gen/gochat/events/v1/events';
import type { BrokerRecord } from '../ports';
import { FlowTracker, type FlowSpan } from './flow-tracker';

const TRACE = 'a'.repeat(32);
const CLIENT_TRACE = 'b'.repeat(32);

function record(topic: string, eventType: string, value: Uint8Array, traceId = TRACE, offset = 0): BrokerRecord {
  return {
    topic,
    partition: 0,
    offset,
    timestampMs: Date.now(),
    key: Buffer.from('p2p:a:b'),
    value,
    headers: { 'event-type': Buffer.from(eventType), traceparent: Buffer.from(`00-${traceId}-${'1'.repeat(16)}-01`) },
  };
}

const arrows = (spans: FlowSpan[]) => spans.map((s) => `${s.from} > ${s.to}${s.inferred ? ' (inferred)' : ''}`);

describe('FlowTracker', () => {
  test('draws a send from the client through upstream, im-logic and downstream to both clients', () => {
    const spans: FlowSpan[] = [];
    const flows = new FlowTracker((span) => spans.push(span));
    const base = { channel: 'ws' as const, gatewayId: 'gw-1', atMs: Date.now() };
    flows.observeClientFrame({
      ...base,
      direction: 'out',
      username: 'alice',
      traceId: CLIENT_TRACE,
      label: 'send',
      clientMsgId: 'm1',
    });
    const upstream = MessageUpstream.encode({
      ...MessageUpstream.fromPartial({ clientMsgId: 'm1', senderId: 'a' }),
      meta: {
        eventId: 'e1',
        eventType: 'message.upstream',
        occurredAtMs: 0,
        producer: 'im-gateway/gw-1',
        trace: undefined,
      },
    }).finish();
    flows.observeRecord(record('gochat.messages.upstream', 'message.upstream', upstream));
    const downstream = MessageDownstream.encode(
      MessageDownstream.fromPartial({ meta: { producer: 'im-logic/im-logic-1' }, clientMsgId: 'm1' }),
    ).finish();
    flows.observeRecord(record('gochat.messages.downstream', 'message.downstream', downstream));
    flows.observeClientFrame({
      ...base,
      direction: 'in',
      username: 'alice',
      traceId: null,
      label: 'ack seq 1',
      clientMsgId: 'm1',
    });
    flows.observeClientFrame({
      ...base,
      gatewayId: 'gw-2',
      direction: 'in',
      username: 'bob',
      traceId: null,
      label: 'message seq 1',
      clientMsgId: 'm1',
    });

    const trace = flows.get(TRACE)!;
    assert.deepEqual(arrows(trace.spans), [
      'client:alice > im-gateway/gw-1',
      'im-gateway/gw-1 > topic:gochat.messages.upstream',
      'topic:gochat.messages.upstream > im-logic',
      'im-logic > im-repo (inferred)',
      'im-logic > topic:gochat.messages.downstream',
      'topic:gochat.messages.downstream > im-gateway/gw-1',
      'im-gateway/gw-1 > client:alice',
      'topic:gochat.messages.downstream > im-gateway/gw-2',
      'im-gateway/gw-2 > client:bob',
    ]);
    assert.equal(flows.get(CLIENT_TRACE)?.traceId, TRACE, "the client's own trace id leads to the same flow");
  });

  test('joins an HTTP read request to the message.read record it caused, and the receipt signal after it', () => {
    const flows = new FlowTracker(() => undefined);
    const atMs = Date.now();
    flows.observeClientFrame({
      direction: 'out',
      channel: 'http',
      username: 'bob',
      gatewayId: 'gw-2',
      traceId: CLIENT_TRACE,
      atMs,
      label: 'POST read seq 1',
      expects: { eventType: 'message.read', fields: { readerId: 'b', conversationId: 'p2p:a:b' } },
    });
    const read = MessageRead.encode(
      MessageRead.fromPartial({
        meta: { producer: 'im-logic/im-logic-1' },
        readerId: 'b',
        conversationId: 'p2p:a:b',
        readSeq: 1,
      }),
    ).finish();
    flows.observeRecord(record('gochat.message-events', 'message.read', read));
    flows.observeClientFrame({
      direction: 'in',
      channel: 'ws',
      username: 'alice',
      gatewayId: 'gw-1',
      traceId: TRACE,
      atMs,
      label: 'signal message.receipt.updated',
      signalType: 'message.receipt.updated',
      causeEventType: 'message.read',
    });
    assert.deepEqual(arrows(flows.get(TRACE)!.spans), [
      'client:bob > im-gateway/gw-2',
      'im-gateway/gw-2 > im-logic (inferred)',
      'im-logic > im-repo (inferred)',
      'im-logic > topic:gochat.message-events',
      'topic:gochat.message-events > im-task (inferred)',
      'im-task > im-gateway/gw-1 (inferred)',
      'im-gateway/gw-1 > client:alice',
    ]);
  });

  test('remembers a bounded number of client message ids: the oldest are forgotten under a stream of sends', () => {
    const flows = new FlowTracker(() => undefined);
    const sends = 3500;
    for (let i = 0; i < sends; i++) {
      const upstream = MessageUpstream.encode(MessageUpstream.fromPartial({ clientMsgId: `c${i}`, senderId: 'a' }));
      const traceId = (i + 1).toString(16).padStart(32, '0');
      flows.observeRecord(record('gochat.messages.upstream', 'message.upstream', upstream.finish(), traceId, i));
    }
    assert.equal(flows.traceOfMessageId('c0'), undefined, 'the first send is forgotten');
    assert.equal(flows.traceOfMessageId(`c${sends - 1}`), sends.toString(16).padStart(32, '0'));
  });
});
