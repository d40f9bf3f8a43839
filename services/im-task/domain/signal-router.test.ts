import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import { GatewayDirectory } from './gateway-directory';
import { SignalRouter } from './signal-router';
import { FakePusher, FakeWorld } from './test-fakes';
import { withTraceparent } from '../../../lib/telemetry';

const SIGNAL: SystemSignalMessage = { signalType: 'friend.status.changed', cause: undefined, payload: undefined };
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function setup() {
  const world = new FakeWorld();
  world.gateways = [
    { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1001' },
    { gatewayId: 'gw-2', grpcAddress: '127.0.0.1:1002' },
  ];
  const clock = { now: 0, nowMs: () => clock.now };
  const pusher = new FakePusher();
  const problems = { unknown: [] as string[], failed: [] as string[] };
  const slept: number[] = [];
  const router = new SignalRouter(
    world,
    new GatewayDirectory(world, clock),
    pusher,
    {
      gatewayUnknown: (id) => problems.unknown.push(id),
      gatewayFailed: (id) => problems.failed.push(id),
    },
    async (ms) => {
      slept.push(ms);
    },
  );
  return { world, clock, pusher, problems, slept, router };
}

describe('routing pushes by gateway', () => {
  test('each gateway gets only the users it holds; offline users get nothing', async () => {
    const { world, pusher, router } = setup();
    world.connections.set('bob', ['gw-1']);
    world.connections.set('carol', ['gw-2']);
    world.connections.set('dan', ['gw-1', 'gw-2']);
    // The push is part of the trace of the work that makes it (the event being handled).
    const routed = await withTraceparent(TRACE, () =>
      router.pushToUsers(['bob', 'carol', 'dan', 'erin', 'bob'], SIGNAL),
    );
    const byAddress = Object.fromEntries(pusher.pushes.map((p) => [p.address, p.userIds]));
    assert.deepEqual(byAddress, { '127.0.0.1:1001': ['bob', 'dan'], '127.0.0.1:1002': ['carol', 'dan'] });
    assert.equal(pusher.pushes[0]?.traceparent, TRACE);
    assert.deepEqual(routed.offlineUserIds, ['erin']);
    assert.deepEqual(routed.deliveredUserIds.sort(), ['bob', 'carol', 'dan']);
  });

  test('nobody online means no gateway is called', async () => {
    const { pusher, router, world } = setup();
    await router.pushToUsers(['erin'], SIGNAL);
    await router.pushToUsers([], SIGNAL);
    assert.equal(pusher.attempts.length, 0);
    assert.equal(world.listGatewaysCalls, 0);
  });

  test('gateway addresses are cached briefly and refreshed on a miss', async () => {
    const { world, clock, pusher, problems, router } = setup();
    world.connections.set('bob', ['gw-1']);
    await router.pushToUsers(['bob'], SIGNAL);
    await router.pushToUsers(['bob'], SIGNAL);
    assert.equal(world.listGatewaysCalls, 1);
    // A gateway that registered after the cache was filled is found by refreshing on the miss.
    world.gateways.push({ gatewayId: 'gw-3', grpcAddress: '127.0.0.1:1003' });
    world.connections.set('carol', ['gw-3']);
    clock.now += 1000;
    await router.pushToUsers(['carol'], SIGNAL);
    assert.equal(world.listGatewaysCalls, 2);
    assert.equal(pusher.pushes.at(-1)?.address, '127.0.0.1:1003');
    // A gateway the registry does not know is reported, not retried forever.
    world.connections.set('dan', ['gw-gone']);
    clock.now += 1000;
    const routed = await router.pushToUsers(['dan'], SIGNAL);
    assert.deepEqual(problems.unknown, ['gw-gone']);
    assert.deepEqual(routed.undeliveredUserIds, ['dan']);
    clock.now += 6000;
    await router.pushToUsers(['bob'], SIGNAL);
    assert.equal(world.listGatewaysCalls, 4, 'an expired cache is refreshed');
  });
});

describe('a gateway that is down', () => {
  test('is retried with backoff and then given up, without holding up the others', async () => {
    const { world, pusher, problems, slept, router } = setup();
    world.connections.set('bob', ['gw-1']);
    world.connections.set('carol', ['gw-2']);
    pusher.failures.set('127.0.0.1:1001', Infinity);
    const routed = await router.pushToUsers(['bob', 'carol'], SIGNAL);
    assert.equal(pusher.attempts.filter((a) => a === '127.0.0.1:1001').length, 3);
    assert.deepEqual(slept, [200, 400]);
    assert.deepEqual(problems.failed, ['gw-1']);
    assert.deepEqual(routed.deliveredUserIds, ['carol']);
    assert.deepEqual(routed.undeliveredUserIds, ['bob']);
  });

  test('a transient failure is retried, and a gateway that moved is found at its new address', async () => {
    const { world, pusher, problems, router } = setup();
    world.connections.set('bob', ['gw-1']);
    pusher.failures.set('127.0.0.1:1001', Infinity);
    world.connections.set('carol', ['gw-2']);
    await router.pushToUsers(['carol'], SIGNAL); // fills the address cache
    world.gateways[0] = { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:2001' };
    const routed = await router.pushToUsers(['bob'], SIGNAL);
    assert.deepEqual(pusher.attempts, ['127.0.0.1:1002', '127.0.0.1:1001', '127.0.0.1:2001']);
    assert.deepEqual(routed.deliveredUserIds, ['bob']);
    assert.deepEqual(problems.failed, []);
  });

  test('an unreachable presence store is not swallowed: the event must be retried', async () => {
    const { world, router } = setup();
    world.presenceDown = true;
    await assert.rejects(router.pushToUsers(['bob'], SIGNAL), /repo unavailable/);
  });
});
