// Input checks of the presence use cases, over an in-memory stand-in for the store that records what reached it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgument } from '../../../lib/errors';
import type { PresenceStore } from './ports';
import { DEFAULT_CONNECTION_TTL_MS, DEFAULT_GATEWAY_TTL_MS, PresenceTracker } from './presence';

function recordingStore(): { store: PresenceStore; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const store: PresenceStore = {
    setOnline: async (...args) => (calls.push(['setOnline', ...args]), { firstConnection: true, connectionCount: 1 }),
    setOffline: async (...args) => (calls.push(['setOffline', ...args]), { lastConnection: true, connectionCount: 0 }),
    heartbeat: async (...args) => (calls.push(['heartbeat', ...args]), { renewed: 0, expiredUserIds: [] }),
    getPresence: async (ids) => (calls.push(['getPresence', ids]), []),
    listOnline: async () => [],
    registerGateway: async (gateway, ttlMs) => (
      calls.push(['registerGateway', gateway, ttlMs]),
      { ...gateway, registeredAtMs: 0, expiresAtMs: ttlMs }
    ),
    listGateways: async () => [],
  };
  return { store, calls };
}

function rejectsNaming(pending: () => Promise<unknown>, field: RegExp): Promise<void> {
  return assert.rejects(pending, (err) => err instanceof InvalidArgument && field.test(err.message));
}

test('a TTL of 0 means the default; others must be in range', async () => {
  const { store, calls } = recordingStore();
  const presence = new PresenceTracker(store);
  await presence.setOnline('alice', 'c1', 'gw-1', 0);
  await presence.registerGateway(
    { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:1', publicAddress: '', registeredAtMs: 0, expiresAtMs: 0 },
    0,
  );
  assert.deepEqual(calls[0], ['setOnline', 'alice', 'c1', 'gw-1', DEFAULT_CONNECTION_TTL_MS]);
  assert.equal(calls[1]?.[2], DEFAULT_GATEWAY_TTL_MS);
  await rejectsNaming(() => presence.setOnline('alice', 'c1', 'gw-1', 5), /ttl_ms must be an integer from 100/);
  await rejectsNaming(() => presence.heartbeat('gw-1', [], 10 ** 10), /ttl_ms/);
  assert.equal(calls.length, 2, 'nothing invalid reached the store');
});

test('missing or malformed ids are refused naming the field', async () => {
  const presence = new PresenceTracker(recordingStore().store);
  await rejectsNaming(() => presence.setOnline('', 'c1', 'gw-1', 0), /^user_id is required/);
  await rejectsNaming(() => presence.setOffline('alice', 'c 1', 'gw-1'), /conn_id "c 1" must not contain whitespace/);
  await rejectsNaming(() => presence.setOffline('alice', 'c1', ''), /gateway_id is required/);
  await rejectsNaming(
    () =>
      presence.heartbeat(
        'gw-1',
        [
          { userId: 'alice', connId: 'c1' },
          { userId: '', connId: 'c2' },
        ],
        0,
      ),
    /connections\[1\]\.user_id is required/,
  );
  await rejectsNaming(() => presence.getPresence(['ok', 'p2p:a:b']), /user_ids\[1\] "p2p:a:b"/);
  await rejectsNaming(() => presence.registerGateway(undefined, 0), /gateway is required/);
});
