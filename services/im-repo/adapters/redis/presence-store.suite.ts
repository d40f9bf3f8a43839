// The presence store's behaviour, as one suite run against any Redis-protocol server: the real redis-server
// (presence-store.int.test.ts) and the embedded RESP server (presence-store-embedded.int.test.ts).
// Time is a controlled clock, so expiry is tested without waiting.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { PresenceStatus } from '../../../../proto/gen/gochat/common/v1/common';
import { connectRedis, RedisPresenceStore } from './presence-store';

export interface RedisUnderTest {
  /** redis://host:port */
  url: string;
  stop(): Promise<void>;
}

export function presenceStoreSuite(label: string, startRedis: () => Promise<RedisUnderTest>): void {
  describe(`presence store on ${label}`, () => {
    let server: RedisUnderTest;
    let redis: Redis;
    let store: RedisPresenceStore;
    const clock = { ms: 0, now: () => clock.ms };

    before(async () => {
      server = await startRedis();
      redis = connectRedis(server.url);
      await redis.connect();
    });
    after(async () => {
      redis?.disconnect();
      await server?.stop();
    });
    beforeEach(async () => {
      await redis.flushdb();
      clock.ms = 1_700_000_000_000;
      store = new RedisPresenceStore(redis, clock);
    });

    test('online/offline are reported only on the first and last connection', async () => {
      assert.deepEqual(await store.setOnline('alice', 'c1', 'gw-1', 30_000), {
        firstConnection: true,
        connectionCount: 1,
      });
      assert.deepEqual(await store.setOnline('alice', 'c2', 'gw-2', 30_000), {
        firstConnection: false,
        connectionCount: 2,
      });
      // The same connection announced again is a renewal, not a new connection.
      assert.deepEqual(await store.setOnline('alice', 'c1', 'gw-1', 30_000), {
        firstConnection: false,
        connectionCount: 2,
      });
      assert.deepEqual(await store.setOffline('alice', 'c1', 'gw-1'), { lastConnection: false, connectionCount: 1 });
      assert.deepEqual(await store.setOffline('alice', 'c2', 'gw-2'), { lastConnection: true, connectionCount: 0 });
      // Closing an unknown or already closed connection is not a transition.
      assert.deepEqual(await store.setOffline('alice', 'c2', 'gw-2'), { lastConnection: false, connectionCount: 0 });
      assert.deepEqual(await store.setOnline('alice', 'c3', 'gw-1', 30_000), {
        firstConnection: true,
        connectionCount: 1,
      });
    });

    test('concurrent first connections of one user report exactly one transition', async () => {
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((conn) => store.setOnline('bob', conn, 'gw-1', 30_000)),
      );
      assert.equal(results.filter((r) => r.firstConnection).length, 1);
      const closed = await Promise.all(['a', 'b', 'c', 'd'].map((conn) => store.setOffline('bob', conn, 'gw-1')));
      assert.equal(closed.filter((r) => r.lastConnection).length, 1);
    });

    test('presence lists each connection with its gateway; unknown users are offline', async () => {
      await store.setOnline('alice', 'c1', 'gw-1', 30_000);
      clock.ms += 10;
      await store.setOnline('alice', 'c2', 'gw-2', 30_000);
      const [alice, nobody] = await store.getPresence(['alice', 'nobody']);
      assert.equal(alice?.status, PresenceStatus.PRESENCE_STATUS_ONLINE);
      assert.deepEqual(
        alice?.connections.map((c) => [c.connId, c.gatewayId, c.expiresAtMs - clock.ms]),
        [
          ['c1', 'gw-1', 30_000 - 10],
          ['c2', 'gw-2', 30_000],
        ],
      );
      assert.deepEqual(nobody, { userId: 'nobody', status: PresenceStatus.PRESENCE_STATUS_OFFLINE, connections: [] });
    });

    test("heartbeats keep connections alive; a crashed gateway's users expire and are reported once", async () => {
      await store.setOnline('alice', 'a1', 'gw-1', 1000); // only on gw-1
      await store.setOnline('bob', 'b1', 'gw-1', 1000); // on both gateways
      await store.setOnline('bob', 'b2', 'gw-2', 1000);
      await store.setOnline('carol', 'c1', 'gw-2', 1000); // only on gw-2

      clock.ms += 800;
      const beat = await store.heartbeat(
        'gw-2',
        [
          { userId: 'bob', connId: 'b2' },
          { userId: 'carol', connId: 'c1' },
        ],
        1000,
      );
      assert.deepEqual(beat, { renewed: 2, expiredUserIds: [] });

      clock.ms += 500; // gw-1 never beat: its connections are past their expiry, gw-2's are not
      const [alice, bob] = await store.getPresence(['alice', 'bob']);
      assert.equal(alice?.status, PresenceStatus.PRESENCE_STATUS_OFFLINE, 'expired connections are not shown');
      assert.deepEqual(
        bob?.connections.map((c) => c.connId),
        ['b2'],
      );

      const sweep = await store.heartbeat(
        'gw-2',
        [
          { userId: 'bob', connId: 'b2' },
          { userId: 'carol', connId: 'c1' },
        ],
        1000,
      );
      assert.deepEqual(sweep.expiredUserIds, ['alice']);
      const again = await store.heartbeat('gw-2', [], 1000);
      assert.deepEqual(again.expiredUserIds, []);
      // bob keeps his gw-2 connection, so his leaving gw-1 is not an offline transition
      assert.deepEqual(await store.setOffline('bob', 'b2', 'gw-2'), { lastConnection: true, connectionCount: 0 });
    });

    test('a heartbeat renews only connections on record: a closed or already expired one is not brought back', async () => {
      await store.setOnline('erin', 'e1', 'gw-1', 1000);
      await store.setOnline('erin', 'e2', 'gw-1', 1000);
      await store.setOffline('erin', 'e2', 'gw-1'); // closed while the gateway's heartbeat was on its way
      await store.setOnline('fred', 'f1', 'gw-2', 1000);
      clock.ms += 1500; // both gateways are late; gw-1 beats first, so its connections are still on record
      const late = await store.heartbeat(
        'gw-1',
        [
          { userId: 'erin', connId: 'e1' },
          { userId: 'erin', connId: 'e2' },
        ],
        1000,
      );
      assert.deepEqual(late, { renewed: 1, expiredUserIds: ['fred'] });
      const [erin] = await store.getPresence(['erin']);
      assert.deepEqual(
        erin?.connections.map((c) => [c.connId, c.expiresAtMs]),
        [['e1', clock.ms + 1000]],
      );
      // fred's expiry was reported: his gateway's late heartbeat does not bring him back silently
      const tooLate = await store.heartbeat('gw-2', [{ userId: 'fred', connId: 'f1' }], 1000);
      assert.deepEqual(tooLate, { renewed: 0, expiredUserIds: [] });
      const [fred] = await store.getPresence(['fred']);
      assert.equal(fred?.status, PresenceStatus.PRESENCE_STATUS_OFFLINE);
    });

    test('after an outage (im-repo restarted) nothing expires before its gateway had a whole TTL to renew it', async () => {
      await store.setOnline('gina', 'g1', 'gw-1', 1000); // gw-1 stays alive but cannot beat during the outage
      await store.setOnline('hank', 'h1', 'gw-2', 1000); // gw-2 died during the outage
      clock.ms += 1500; // both expiries pass while im-repo is down
      const restarted = new RedisPresenceStore(redis, clock);
      const [gina] = await restarted.getPresence(['gina']);
      assert.equal(gina?.status, PresenceStatus.PRESENCE_STATUS_ONLINE, 'not shown offline for the outage');
      clock.ms += 400; // gw-1's first heartbeat after the outage sweeps nothing, renews its own
      assert.deepEqual(await restarted.heartbeat('gw-1', [{ userId: 'gina', connId: 'g1' }], 1000), {
        renewed: 1,
        expiredUserIds: [],
      });
      clock.ms += 700; // a whole TTL of working store has passed: hank's silent gateway lets him expire
      assert.deepEqual(await restarted.heartbeat('gw-1', [{ userId: 'gina', connId: 'g1' }], 1000), {
        renewed: 1,
        expiredUserIds: ['hank'],
      });
    });

    test("a gateway's heartbeat ends its recorded connections it no longer holds (e.g. its previous run's)", async () => {
      await store.setOnline('ivan', 'i1', 'gw-1', 10_000); // held by gw-1's previous run, which crashed
      await store.setOnline('judy', 'j1', 'gw-2', 10_000); // another gateway's: not gw-1's to end
      clock.ms += 6000; // gw-1 restarted; ivan has not reconnected yet
      await store.setOnline('kim', 'k1', 'gw-1', 10_000); // opened just now, maybe after the heartbeat's list
      assert.deepEqual(await store.heartbeat('gw-1', [], 10_000), { renewed: 0, expiredUserIds: ['ivan'] });
      const [ivan, judy, kim] = await store.getPresence(['ivan', 'judy', 'kim']);
      assert.equal(ivan?.status, PresenceStatus.PRESENCE_STATUS_OFFLINE);
      assert.equal(judy?.status, PresenceStatus.PRESENCE_STATUS_ONLINE);
      assert.equal(kim?.status, PresenceStatus.PRESENCE_STATUS_ONLINE, 'too new to be judged by that list');
      clock.ms += 6000; // judy's gateway stays silent past her expiry, kim's lists her
      assert.deepEqual(await store.heartbeat('gw-1', [{ userId: 'kim', connId: 'k1' }], 10_000), {
        renewed: 1,
        expiredUserIds: ['judy'],
      });
    });

    test('online users are listed for the console', async () => {
      await store.setOnline('alice', 'c1', 'gw-1', 30_000);
      await store.setOnline('bob', 'c2', 'gw-1', 30_000);
      await store.setOffline('bob', 'c2', 'gw-1');
      await store.setOnline('dave', 'c3', 'gw-1', 100);
      clock.ms += 200;
      const online = await store.listOnline();
      assert.deepEqual(
        online.map((u) => u.userId),
        ['alice'],
      );
    });

    test('gateways register with a TTL and drop out of the list when it passes', async () => {
      const first = await store.registerGateway(
        { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:7001', publicAddress: '127.0.0.1:8001' },
        5000,
      );
      await store.registerGateway(
        { gatewayId: 'gw-2', grpcAddress: '127.0.0.1:7002', publicAddress: '127.0.0.1:8002' },
        5000,
      );
      clock.ms += 3000;
      const renewed = await store.registerGateway(
        { gatewayId: 'gw-1', grpcAddress: '127.0.0.1:7001', publicAddress: '127.0.0.1:8001' },
        5000,
      );
      assert.equal(renewed.registeredAtMs, first.registeredAtMs);
      assert.equal(renewed.expiresAtMs, clock.ms + 5000);
      assert.deepEqual(
        (await store.listGateways()).map((g) => [g.gatewayId, g.grpcAddress]),
        [
          ['gw-1', '127.0.0.1:7001'],
          ['gw-2', '127.0.0.1:7002'],
        ],
      );
      clock.ms += 3000; // gw-2 was not renewed
      assert.deepEqual(
        (await store.listGateways()).map((g) => g.gatewayId),
        ['gw-1'],
      );
    });
  });
}
