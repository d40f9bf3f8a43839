import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationType, type ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { MessageDownstream } from '../../../proto/gen/gochat/events/v1/events';
import { RecordingLink } from '../testing/fakes';
import { ConnectionRegistry } from './connection-registry';
import { Delivery } from './delivery';

function message(seq: number, senderId = 'alice'): ChatMessage {
  return {
    messageId: `m${seq}`,
    conversationId: 'p2p:alice:bob',
    conversationType: ConversationType.CONVERSATION_TYPE_P2P,
    seq,
    senderId,
    clientMsgId: `c${seq}`,
    contentType: 'text/plain',
    body: `hello ${seq}`,
    sentAtMs: 1,
  };
}

function setup() {
  const registry = new ConnectionRegistry();
  const aliceOrigin = new RecordingLink('gw-1.a1', 'alice');
  const aliceTablet = new RecordingLink('gw-1.a2', 'alice');
  const bob = new RecordingLink('gw-1.b1', 'bob');
  for (const l of [aliceOrigin, aliceTablet, bob]) registry.add(l);
  return { registry, delivery: new Delivery('gw-1', registry), aliceOrigin, aliceTablet, bob };
}

function downstream(partial: Partial<MessageDownstream>): MessageDownstream {
  return MessageDownstream.fromPartial({
    originGatewayId: 'gw-1',
    originConnId: 'gw-1.a1',
    senderId: 'alice',
    ...partial,
  });
}

describe('Delivery of downstream records', () => {
  test('acks the origin connection and pushes to every other connection of the recipients once', () => {
    const { delivery, aliceOrigin, aliceTablet, bob } = setup();
    const record = downstream({ message: message(1), recipientIds: ['alice', 'bob'], clientMsgId: 'c1' });
    delivery.onDownstream(record);
    delivery.onDownstream(record); // redelivered after a consumer restart
    assert.deepEqual(aliceOrigin.received, [
      { kind: 'ack', ack: { clientMsgId: 'c1', messageId: 'm1', conversationId: 'p2p:alice:bob', seq: 1 } },
      { kind: 'ack', ack: { clientMsgId: 'c1', messageId: 'm1', conversationId: 'p2p:alice:bob', seq: 1 } },
    ]);
    assert.deepEqual(
      aliceTablet.received.map((r) => r.kind),
      ['message'],
    );
    assert.deepEqual(
      bob.received.map((r) => (r.kind === 'message' ? r.message.seq : r.kind)),
      [1],
    );
  });

  test('a deduplicated retry acks the sender again and pushes nothing', () => {
    const { delivery, aliceOrigin, bob } = setup();
    delivery.onDownstream(downstream({ message: message(7), recipientIds: ['bob'], clientMsgId: 'c7', ackOnly: true }));
    assert.equal(aliceOrigin.received.length, 1);
    assert.equal(aliceOrigin.received[0]!.kind, 'ack');
    assert.equal(bob.received.length, 0);
  });

  test('a failed send is reported to the origin connection only', () => {
    const { delivery, aliceOrigin, aliceTablet, bob } = setup();
    delivery.onDownstream(downstream({ clientMsgId: 'c9', error: { code: 'NOT_FRIENDS', message: 'not friends' } }));
    assert.deepEqual(aliceOrigin.received, [{ kind: 'error', clientMsgId: 'c9', code: 'NOT_FRIENDS' }]);
    assert.equal(aliceTablet.received.length + bob.received.length, 0);
  });

  test('records from another gateway push to local recipients without acking anyone', () => {
    const { delivery, aliceOrigin, bob } = setup();
    delivery.onDownstream(downstream({ originGatewayId: 'gw-2', message: message(3), recipientIds: ['bob'] }));
    assert.equal(aliceOrigin.received.length, 0);
    assert.equal(bob.received.length, 1);
  });

  test('PushToUsers reports who is not connected here and never repeats a message', () => {
    const { delivery, bob } = setup();
    const first = delivery.pushMessage(['bob', 'carol'], message(4));
    const again = delivery.pushMessage(['bob'], message(4));
    assert.deepEqual(first, { deliveredConnections: 1, deliveredUserIds: ['bob'], notConnectedUserIds: ['carol'] });
    assert.equal(again.deliveredConnections, 0);
    assert.equal(bob.received.length, 1);
  });
});
