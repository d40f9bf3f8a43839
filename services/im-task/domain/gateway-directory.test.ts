import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayDirectory } from './gateway-directory';
import { FakeWorld } from './test-fakes';

test('concurrent lookups share one ListGateways call', async () => {
  const world = new FakeWorld();
  world.gateways = [
    { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1001' },
    { gatewayId: 'gw-2', grpcAddress: '127.0.0.1:1002' },
  ];
  const directory = new GatewayDirectory(world, { nowMs: () => 0 });
  const addresses = await Promise.all(['gw-1', 'gw-2', 'gw-1'].map((id) => directory.addressOf(id)));
  assert.deepEqual(addresses, ['127.0.0.1:1001', '127.0.0.1:1002', '127.0.0.1:1001']);
  assert.equal(world.listGatewaysCalls, 1);
});

test('a failed registry read is not cached: the next lookup asks again', async () => {
  const world = new FakeWorld();
  let down = true;
  const directory = new GatewayDirectory(
    {
      getUsersPresence: (ids) => world.getUsersPresence(ids),
      listGateways: async () => {
        if (down) throw new Error('repo unavailable');
        return [{ gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1001' }];
      },
    },
    { nowMs: () => 0 },
  );
  await assert.rejects(directory.addressOf('gw-1'), /repo unavailable/);
  down = false;
  assert.equal(await directory.addressOf('gw-1'), '127.0.0.1:1001');
});
