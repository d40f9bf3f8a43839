// Requests a web page or a probe can send to the gateway with a malformed target: each is answered with a 4xx and
// closed. A WebSocket upgrade to "//" used to throw inside the async upgrade handler before its try, leaving the
// socket unanswered in CLOSE-WAIT, an unhandled rejection, and a gateway that could not shut down.
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLifecycle } from '../domain/connection-lifecycle';
import { ConnectionRegistry } from '../domain/connection-registry';
import { ConversationSync } from '../domain/conversation-sync';
import { UpstreamSender } from '../domain/upstream-sender';
import { FakeEvents, FakePresence, fakeLogic } from '../testing/fakes';
import { GatewayServer } from './gateway-server';

function gateway(errors: unknown[]): GatewayServer {
  const registry = new ConnectionRegistry();
  const events = new FakeEvents();
  const logic = fakeLogic({});
  const log = {
    warn: () => undefined,
    info: () => undefined,
    error: (obj: object) => errors.push(obj),
  };
  const lifecycle = new ConnectionLifecycle({
    gatewayId: 'gw-m',
    presenceTtlMs: 30_000,
    registry,
    presence: new FakePresence(),
    events,
    clock: { now: () => Date.now() },
    log,
  });
  return new GatewayServer({
    host: '127.0.0.1',
    port: 0,
    gatewayId: 'gw-m',
    logic,
    lifecycle,
    registry,
    sender: new UpstreamSender('gw-m', events),
    sync: new ConversationSync(logic, registry),
    pingIntervalMs: 60_000,
    log,
  });
}

/** Writes one raw HTTP request and resolves with everything the server wrote once the server closed the socket. */
function exchange(address: string, head: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(`${head}\r\nHost: ${address}\r\n\r\n`);
  });
}

const upgradeTo = (path: string) =>
  `GET ${path} HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

const openFds = () => readdirSync('/proc/self/fd').length;

test(
  '50 WebSocket upgrades to "//" without a token are each answered 404 and closed; no fd is left',
  { timeout: 30_000 },
  async () => {
    const errors: unknown[] = [];
    const server = gateway(errors);
    const address = await server.listen();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const before = openFds();
      for (let i = 0; i < 50; i += 1) {
        const answer = await exchange(address, upgradeTo('//'));
        assert.match(answer, /^HTTP\/1\.1 404 /, answer);
        assert.match(answer, /"code":"NOT_FOUND"/);
      }
      // Both ends of every exchange are closed; only descriptors unrelated to it may differ (a couple at most).
      assert.ok(openFds() <= before + 2, `fds grew from ${before} to ${openFds()}`);
      assert.deepEqual(rejections, []);
      assert.deepEqual(errors, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      // Resolves only once every socket is closed: with a leaked upgrade socket this never returned.
      await server.close();
    }
  },
);

test(
  'malformed request targets are 4xx with a JSON error, never a 500 or a stack trace',
  { timeout: 30_000 },
  async () => {
    const errors: unknown[] = [];
    const server = gateway(errors);
    const address = await server.listen();
    try {
      const cases: [string, RegExp, RegExp][] = [
        ['GET // HTTP/1.1\r\nConnection: close', /^HTTP\/1\.1 404 /, /"code":"NOT_FOUND"/],
        ['GET //api/health HTTP/1.1\r\nConnection: close', /^HTTP\/1\.1 404 /, /no route for GET \/\/api\/health/],
        ['GET * HTTP/1.1\r\nConnection: close', /^HTTP\/1\.1 400 /, /"code":"INVALID_ARGUMENT"/],
        ['GET http://elsewhere/api/health HTTP/1.1\r\nConnection: close', /^HTTP\/1\.1 400 /, /request target/],
        [upgradeTo('*'), /^HTTP\/1\.1 400 /, /"code":"INVALID_ARGUMENT"/],
        [upgradeTo('//ws'), /^HTTP\/1\.1 404 /, /"code":"NOT_FOUND"/],
        [upgradeTo('/ws'), /^HTTP\/1\.1 401 /, /"code":"UNAUTHENTICATED"/],
      ];
      for (const [head, status, body] of cases) {
        const answer = await exchange(address, head);
        assert.match(answer, status, `${head.split('\r\n')[0]} -> ${answer}`);
        assert.match(answer, body, answer);
        assert.doesNotMatch(answer, /\n\s+at /, 'no stack trace');
      }
      assert.deepEqual(errors, [], 'none of them is logged as a server error');
    } finally {
      await server.close();
    }
  },
);
