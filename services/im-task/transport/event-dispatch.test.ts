import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyConsumedEvent } from '../../../lib/kafka';
import { silentLogger } from '../../../lib/log';
import { DerivedTasks } from '../domain/derived-tasks';
import { GatewayDirectory } from '../domain/gateway-directory';
import { SignalRouter } from '../domain/signal-router';
import { FakePusher, FakeWorld } from '../domain/test-fakes';
import { taskBatchHandler, taskEventHandler } from './event-dispatch';

function setup() {
  const world = new FakeWorld();
  world.gateways = [{ gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1001' }];
  world.friends.set('alice', ['bob']);
  world.connections.set('bob', ['gw-1']);
  const pusher = new FakePusher();
  const clock = { nowMs: () => 1 };
  const router = new SignalRouter(
    world,
    new GatewayDirectory(world, clock),
    pusher,
    { gatewayUnknown: () => undefined, gatewayFailed: () => undefined },
    async () => undefined,
  );
  const tasks = new DerivedTasks(world, world, router, clock);
  return { world, pusher, tasks, handle: taskEventHandler(tasks, silentLogger()) };
}

function userOnline(eventId: string): AnyConsumedEvent {
  const meta = { eventId, eventType: 'user.online', occurredAtMs: 1, producer: 'gw', trace: undefined };
  return {
    type: 'user.online',
    message: { meta, userId: 'alice', gatewayId: 'gw-1', connId: 'c', onlineAtMs: 1 },
    meta,
    topic: 'gochat.user-events',
    partition: 0,
    offset: '0',
    key: 'alice',
    headers: {},
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  };
}

test('a redelivered event is not pushed twice; a new one is', async () => {
  const { pusher, handle } = setup();
  await handle(userOnline('e1'));
  await handle(userOnline('e1'));
  assert.equal(pusher.pushes.length, 1);
  await handle(userOnline('e2'));
  assert.equal(pusher.pushes.length, 2);
});

test('an event whose handling failed is handled again on redelivery', async () => {
  const { world, pusher, handle } = setup();
  world.presenceDown = true;
  await assert.rejects(handle(userOnline('e3')));
  world.presenceDown = false;
  await handle(userOnline('e3'));
  assert.equal(pusher.pushes.length, 1);
});

test('message.persist is indexed; one without a message is skipped without failing', async () => {
  const { world, handle } = setup();
  const base = {
    topic: 'gochat.messages.persist',
    partition: 0,
    offset: '1',
    key: 'p2p:a:b',
    headers: {},
    traceparent: '',
  };
  const message = {
    messageId: 'm1',
    conversationId: 'p2p:a:b',
    conversationType: 1,
    seq: 1,
    senderId: 'a',
    clientMsgId: 'c',
    contentType: 'text/plain',
    body: 'x',
    sentAtMs: 1,
  };
  await handle({
    ...base,
    type: 'message.persist',
    meta: undefined,
    message: { meta: undefined, message, memberIds: ['a', 'b'] },
  });
  await handle({
    ...base,
    type: 'message.persist',
    meta: undefined,
    message: { meta: undefined, message: undefined, memberIds: [] },
  });
  assert.deepEqual(
    world.indexed.map((i) => i.memberIds),
    [['a', 'b']],
  );
});

function persisted(seq: number): AnyConsumedEvent {
  const meta = {
    eventId: `p${seq}`,
    eventType: 'message.persist',
    occurredAtMs: 1,
    producer: 'logic',
    trace: undefined,
  };
  const message = {
    messageId: `m${seq}`,
    conversationId: 'p2p:alice:bob',
    conversationType: 1,
    seq,
    senderId: 'alice',
    clientMsgId: `c${seq}`,
    contentType: 'text/plain',
    body: 'hi',
    sentAtMs: 1,
  };
  return {
    ...userOnline(`p${seq}`),
    type: 'message.persist',
    message: { meta, message, memberIds: ['alice', 'bob'] },
    meta,
  };
}

test('a batch indexes each run of persisted messages in one call and handles other events in between, in order', async () => {
  const { world, pusher, tasks } = setup();
  const handleBatch = taskBatchHandler(tasks, silentLogger());
  await handleBatch([persisted(1), persisted(2), userOnline('o1'), persisted(3)]);
  assert.equal(world.indexCalls, 2);
  assert.deepEqual(
    world.indexed.map((e) => e.message.seq),
    [1, 2, 3],
  );
  assert.equal(pusher.pushes.length, 1);
});
