// PusherService and GatewayAdminService over a real gRPC server and client (lib/grpc), with the gateway's own
// registry holding recording connections.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, connectClient, startGrpcServer, type RunningGrpcServer } from '../../../lib/grpc';
import { silentLogger } from '../../../lib/log';
import { GatewayAdminServiceClient, PusherServiceClient } from '../../../proto/gen/gochat/gateway/v1/gateway';
import { PresenceStatus } from '../../../proto/gen/gochat/common/v1/common';
import { ConnectionRegistry } from '../domain/connection-registry';
import { Delivery } from '../domain/delivery';
import { RecordingLink } from '../testing/fakes';
import { gatewayGrpcServices } from './grpc-services';

const registry = new ConnectionRegistry();
const alicePhone = new RecordingLink('gw-1.a1', 'alice');
const aliceLaptop = new RecordingLink('gw-1.a2', 'alice');
registry.add(alicePhone);
registry.add(aliceLaptop);
let server: RunningGrpcServer;
let pusher: PusherServiceClient;
let admin: GatewayAdminServiceClient;

before(async () => {
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: gatewayGrpcServices('gw-1', new Delivery('gw-1', registry), registry),
    logger: silentLogger(),
  });
  pusher = connectClient(PusherServiceClient, server.address);
  admin = connectClient(GatewayAdminServiceClient, server.address);
});
after(async () => {
  pusher.close();
  admin.close();
  await server.shutdown(1000);
});

test('PushToUsers delivers a signal to every connection of the users held here and reports the others', async () => {
  const res = await call(pusher, 'pushToUsers', {
    userIds: ['alice', 'zed'],
    payload: {
      $case: 'signal',
      value: {
        signalType: 'friend.status.changed',
        cause: undefined,
        payload: {
          $case: 'friendStatusChanged',
          value: { userId: 'bob', status: PresenceStatus.PRESENCE_STATUS_ONLINE, changedAtMs: 5 },
        },
      },
    },
    trace: undefined,
  });
  assert.deepEqual(res, { deliveredConnections: 2, deliveredUserIds: ['alice'], notConnectedUserIds: ['zed'] });
  for (const link of [alicePhone, aliceLaptop]) {
    assert.equal(link.received.length, 1);
    const got = link.received[0]!;
    assert.ok(got.kind === 'signal' && got.signal.signalType === 'friend.status.changed');
  }
});

test('PushToUsers without a payload is refused with INVALID_ARGUMENT', async () => {
  await assert.rejects(call(pusher, 'pushToUsers', { userIds: ['alice'], payload: undefined, trace: undefined }), {
    code: 'INVALID_ARGUMENT',
  });
});

test('ListConnections lists the connections held here', async () => {
  const res = await call(admin, 'listConnections', {});
  assert.equal(res.gatewayId, 'gw-1');
  assert.deepEqual(res.connections.map((c) => c.connId).sort(), ['gw-1.a1', 'gw-1.a2']);
});
