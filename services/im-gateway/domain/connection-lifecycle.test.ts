import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEvents, FakePresence, RecordingLink } from '../testing/fakes';
import { ConnectionLifecycle } from './connection-lifecycle';
import { ConnectionRegistry } from './connection-registry';

function setup() {
  const registry = new ConnectionRegistry();
  const presence = new FakePresence();
  const events = new FakeEvents();
  const lifecycle = new ConnectionLifecycle({
    gatewayId: 'gw-1',
    presenceTtlMs: 30_000,
    registry,
    presence,
    events,
    clock: { now: () => 1000 },
    log: { warn: () => undefined },
  });
  return { registry, presence, events, lifecycle };
}

describe('ConnectionLifecycle', () => {
  test('publishes online for the first connection and offline only when the last one closes', async () => {
    const { lifecycle, events, registry } = setup();
    await lifecycle.open(new RecordingLink('c1', 'alice'));
    await lifecycle.open(new RecordingLink('c2', 'alice'));
    await lifecycle.close('c1', 'closed');
    assert.deepEqual(
      events.published.map((p) => p.type),
      ['user.online'],
    );
    await lifecycle.close('c2', 'closed');
    await lifecycle.close('c2', 'closed'); // a second close of the same connection changes nothing
    assert.deepEqual(
      events.published.map((p) => p.type),
      ['user.online', 'user.offline'],
    );
    assert.equal(registry.size, 0);
  });

  test('an offline never overtakes the online of the same user', async () => {
    const { lifecycle, events } = setup();
    let release!: () => void;
    events.gate = new Promise((r) => (release = r));
    const opening = lifecycle.open(new RecordingLink('c1', 'bob'));
    const closing = lifecycle.close('c1', 'closed');
    release();
    await Promise.all([opening, closing]);
    assert.deepEqual(
      events.published.map((p) => p.type),
      ['user.online', 'user.offline'],
    );
  });

  test('a connection whose presence cannot be recorded is refused and forgotten', async () => {
    const { lifecycle, presence, registry } = setup();
    presence.failOnline = true;
    await assert.rejects(lifecycle.open(new RecordingLink('c1', 'carol')), /redis down/);
    assert.equal(registry.size, 0);
  });

  test('shutdown tells every client to go away and records each offline with the shutdown reason', async () => {
    const { lifecycle, events, presence } = setup();
    const a = new RecordingLink('c1', 'alice');
    const b = new RecordingLink('c2', 'bob');
    await lifecycle.open(a);
    await lifecycle.open(b);
    await lifecycle.closeAll();
    assert.deepEqual([a.received, b.received], [[{ kind: 'goAway' }], [{ kind: 'goAway' }]]);
    const offline = events.published.filter((p) => p.type === 'user.offline');
    assert.equal(offline.length, 2);
    assert.ok(offline.every((p) => p.type === 'user.offline' && p.event.reason === 'gateway_shutdown'));
    assert.equal(presence.conns.size, 0);
  });

  test('users whose connections expired elsewhere are published offline with reason "expired"', async () => {
    const { lifecycle, events, presence } = setup();
    await lifecycle.open(new RecordingLink('c1', 'alice'));
    presence.expireOnNextHeartbeat = ['zoe'];
    const beat = await lifecycle.heartbeat();
    assert.deepEqual(beat, { renewed: 1, expired: ['zoe'] });
    const offline = events.published.filter((p) => p.type === 'user.offline');
    assert.equal(offline.length, 1);
    assert.ok(
      offline[0]!.type === 'user.offline' &&
        offline[0]!.event.userId === 'zoe' &&
        offline[0]!.event.reason === 'expired',
    );
  });

  test('connections that expired while this gateway was paused are re-announced, and online only if owed', async () => {
    const { lifecycle, events, presence } = setup();
    await lifecycle.open(new RecordingLink('c1', 'alice'));
    await lifecycle.open(new RecordingLink('c2', 'bob'));
    // Both entries expired while the gateway was stalled. Another gateway's sweep reported alice (and published
    // her offline); this gateway's own heartbeat is the one that sweeps bob.
    presence.conns.clear();
    presence.expireOnNextHeartbeat = ['bob'];
    const beat = await lifecycle.heartbeat();
    assert.equal(beat.renewed, 0);
    assert.deepEqual([...presence.conns.keys()].sort(), ['alice', 'bob'], 'both live connections are on record again');
    const online = events.published.filter((p) => p.type === 'user.online').map((p) => p.event.userId);
    assert.deepEqual(
      online,
      ['alice', 'bob', 'alice'],
      'alice is announced again; bob, never published offline, is not',
    );
    assert.equal(events.published.filter((p) => p.type === 'user.offline').length, 0, 'held users are not offline');
    assert.deepEqual(beat.expired, []);
  });
});
