import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserOnline } from '../../proto/gen/gochat/events/v1/events';
import { contentTypeOf, decodeRecord, EVENT_REGISTRY, EVENT_TYPES, eventTypeOfContentType } from './registry';
import { ALL_TOPICS, TOPIC_SPECS } from './topics';

test('every event message of events.proto is registered on a topic of the conventions', () => {
  assert.deepEqual(EVENT_TYPES.sort(), [
    'friend.request.accepted',
    'friend.requested',
    'group.member.joined',
    'group.member.left',
    'message.downstream',
    'message.persist',
    'message.read',
    'message.upstream',
    'user.offline',
    'user.online',
  ]);
  for (const type of EVENT_TYPES) assert.ok(ALL_TOPICS.includes(EVENT_REGISTRY[type].topic), type);
  assert.equal(TOPIC_SPECS['gochat.messages.upstream'].partitions, 6);
  assert.equal(TOPIC_SPECS['gochat.user-events'].partitions, 4);
  assert.equal(contentTypeOf('user.online'), 'application/x-protobuf; messageType=gochat.events.v1.UserOnline');
  assert.equal(eventTypeOfContentType(contentTypeOf('message.persist')), 'message.persist');
});

test('a record decodes by its event-type header, or by content-type alone', () => {
  const value = UserOnline.encode(
    UserOnline.fromPartial({ userId: 'u1', gatewayId: 'gw-1', meta: { eventId: 'e1' } }),
  ).finish();
  const byType = decodeRecord('gochat.user-events', { 'event-type': 'user.online' }, value);
  assert.ok(byType.ok);
  assert.equal(byType.type, 'user.online');
  assert.equal((byType.message as UserOnline).userId, 'u1');
  assert.equal(byType.meta?.eventId, 'e1');
  const byContentType = decodeRecord('gochat.user-events', { 'content-type': contentTypeOf('user.online') }, value);
  assert.ok(byContentType.ok);
});

test('undecodable records come back with the reason', () => {
  const reasons = [
    decodeRecord('gochat.user-events', { 'event-type': 'user.exploded' }, new Uint8Array()),
    decodeRecord('gochat.user-events', {}, new Uint8Array()),
    decodeRecord('gochat.notifications', { 'event-type': 'user.online' }, new Uint8Array()),
    decodeRecord('gochat.user-events', { 'event-type': 'user.online' }, null),
    decodeRecord('gochat.user-events', { 'event-type': 'user.online' }, new Uint8Array([0x12, 0xff, 0x01])),
  ].map((r) => (r.ok ? 'decoded' : r.reason));
  assert.match(reasons[0] ?? '', /unknown event-type header "user.exploded"/);
  assert.match(reasons[1] ?? '', /no event-type header/);
  assert.match(reasons[2] ?? '', /belongs on gochat.user-events, not gochat.notifications/);
  assert.match(reasons[3] ?? '', /no value/);
  assert.match(reasons[4] ?? '', /not a valid gochat.events.v1.UserOnline/);
});

test('events encoded one after another, large then small, after a failed one, are each their own bytes', () => {
  const downstream = EVENT_REGISTRY['message.downstream'].codec;
  const online = EVENT_REGISTRY['user.online'].codec;
  const big = downstream.fromPartial({
    message: { conversationId: 'p2p:a:b', body: 'x'.repeat(5000), seq: 7 },
    recipientIds: ['a', 'b'],
  });
  const small = online.fromPartial({ userId: 'u1', gatewayId: 'gw-1' });
  const bigBytes = downstream.encode(big);
  const smallBytes = online.encode(small);
  assert.deepEqual(smallBytes, UserOnline.encode(small).finish(), 'nothing of the large event is left over');
  assert.equal(downstream.decode(bigBytes).message?.body.length, 5000);
  smallBytes.fill(0);
  assert.equal(downstream.decode(bigBytes).message?.seq, 7, 'an encoded event shares no bytes with the next one');
  const unprintable = {
    toString() {
      throw new Error('not text');
    },
  };
  assert.throws(() => online.encode({ ...small, gatewayId: unprintable as unknown as string }), /not text/);
  assert.deepEqual(online.encode(small), UserOnline.encode(small).finish(), 'a failed encode leaves nothing behind');
});
