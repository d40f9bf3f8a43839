// Unhealthy clients are dropped and recorded offline instead of being held (and reported online) forever: one
// that stops answering pings (a laptop lid closed, a dead NAT entry), and one that stops reading what it is sent.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { ConnectionLifecycle } from '../domain/connection-lifecycle';
import { ConnectionRegistry } from '../domain/connection-registry';
import { ConversationSync } from '../domain/conversation-sync';
import { Delivery } from '../domain/delivery';
import { UpstreamSender } from '../domain/upstream-sender';
import { FakeEvents, FakePresence, fakeLogic } from '../testing/fakes';
import { GatewayServer } from './gateway-server';

const servers: GatewayServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function startGateway(pingIntervalMs: number) {
  const registry = new ConnectionRegistry();
  const presence = new FakePresence();
  const events = new FakeEvents();
  const warnings: string[] = [];
  const log = {
    warn: (_o: object, msg: string) => void warnings.push(msg),
    error: () => undefined,
    info: () => undefined,
  };
  const logic = fakeLogic();
  const server = new GatewayServer({
    host: '127.0.0.1',
    port: 0,
    gatewayId: 'gw-1',
    logic,
    lifecycle: new ConnectionLifecycle({
      gatewayId: 'gw-1',
      presenceTtlMs: 30_000,
      registry,
      presence,
      events,
      clock: { now: () => Date.now() },
      log,
    }),
    registry,
    sender: new UpstreamSender('gw-1', events),
    sync: new ConversationSync(logic, registry),
    pingIntervalMs,
    log,
  });
  servers.push(server);
  const base = await server.listen();
  const open = (user: string, autoPong: boolean): Promise<{ ws: WebSocket; closed: Promise<number> }> => {
    const ws = new WebSocket(`ws://${base}/ws?token=token-${user}`, { autoPong });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      ws.once('message', () => resolve({ ws, closed }));
      ws.once('error', reject);
    });
  };
  return { registry, presence, events, warnings, delivery: new Delivery('gw-1', registry), open };
}

test(
  'a client that stops answering pings is dropped and goes offline; a live one stays',
  { timeout: 10_000 },
  async () => {
    const gw = await startGateway(100);
    const live = await gw.open('alice', true);
    const silent = await gw.open('bob', false);
    assert.equal(await silent.closed, 1006, 'terminated without a closing handshake');
    const offline = await gw.events.next((p) => p.type === 'user.offline');
    assert.ok(offline.type === 'user.offline' && offline.event.userId === 'bob');
    assert.equal(gw.presence.conns.has('bob'), false);
    assert.equal(live.ws.readyState, WebSocket.OPEN, 'a client that answers pings is kept');
    assert.deepEqual(
      gw.registry.all().map((l) => l.userId),
      ['alice'],
    );
    live.ws.close();
  },
);

test('a client that stops reading is dropped once too much is queued for it', { timeout: 20_000 }, async () => {
  const gw = await startGateway(60_000); // no ping in the way: only the send buffer can drop it
  const stalled = await gw.open('carol', true);
  stalled.ws.pause(); // stops reading from its socket; the gateway's send buffer fills up
  const body = 'x'.repeat(16 * 1024);
  let seq = 0;
  while (gw.registry.linksOf('carol').length > 0 && seq < 5000) {
    seq += 1;
    gw.delivery.pushMessage(['carol'], {
      messageId: `m${seq}`,
      conversationId: 'p2p:alice:carol',
      conversationType: 1,
      seq,
      senderId: 'alice',
      clientMsgId: `c${seq}`,
      contentType: 'text/plain',
      body,
      sentAtMs: 1,
    });
    // Let the socket write what it can, as it would between downstream records.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const offline = await gw.events.next((p) => p.type === 'user.offline');
  assert.ok(offline.type === 'user.offline' && offline.event.userId === 'carol');
  assert.ok(seq < 5000, `dropped after ${seq} messages of 16 KiB`);
  assert.ok(gw.warnings.includes('client is not reading; dropped'));
});
