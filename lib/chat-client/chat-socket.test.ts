import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodeFrame,
  gatewayCall,
  GatewayCallError,
  gatewayRequest,
  MalformedFrame,
  openChatSocket,
  redactToken,
  SendRefusedError,
  type ServerFrame,
} from './index';

/** A stand-in gateway: each connection is handed to `behaviour`, which says hello (or not) and answers frames. */
let server: Server;
let wss: WebSocketServer;
let base = '';
let behaviour: (socket: WebSocket, request: IncomingMessage) => void = () => undefined;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/ok') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ auth: req.headers.authorization ?? null, traceparent: req.headers.traceparent ?? null }),
      );
    } else if (req.url === '/api/refused') {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FRIENDS', message: 'you are not friends' } }));
    } else {
      res.writeHead(500);
      res.end('oops');
    }
  });
  wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket, request) => behaviour(socket, request));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  await new Promise((resolve) => server.close(resolve));
});

const hello = { type: 'hello', userId: 'u_alice', connId: 'gw-1.c1', gatewayId: 'gw-1' };

/** Says hello, then acks every send (or refuses those whose body is "refuse"), remembering what came. */
function echoGateway(received: Record<string, unknown>[] = []): typeof behaviour {
  return (socket) => {
    socket.send(JSON.stringify(hello));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, any>;
      received.push(frame);
      if (frame.type !== 'send') return;
      if (frame.body === 'refuse')
        socket.send(
          JSON.stringify({ type: 'error', code: 'NOT_FRIENDS', message: 'no', clientMsgId: frame.clientMsgId }),
        );
      else if (frame.body !== 'ignore')
        socket.send(
          JSON.stringify({
            type: 'ack',
            clientMsgId: frame.clientMsgId,
            messageId: `m${received.length}`,
            conversationId: 'p2p:u_alice:u_bob',
            seq: received.length,
          }),
        );
    });
  };
}

describe('ChatSocket', () => {
  test('resolves on hello, sending the token and the extra headers, and hands every frame on', async () => {
    let upgrade: IncomingMessage | undefined;
    behaviour = (socket, request) => {
      upgrade = request;
      socket.send(JSON.stringify(hello));
      socket.send(JSON.stringify({ type: 'pong', id: 1 }));
    };
    const frames: ServerFrame[] = [];
    const chat = openChatSocket({
      url: `ws://${base}/ws`,
      token: 'secret',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      onFrame: (frame) => frames.push(frame),
    });
    assert.deepEqual(await chat.ready, hello);
    assert.equal(upgrade?.headers.authorization, 'Bearer secret');
    assert.equal(upgrade?.headers.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      frames.map((f) => f.type),
      ['hello', 'pong'],
    );
    assert.deepEqual(await chat.close(1000, 'done'), { code: 1000, reason: 'done' });
  });

  test('rejects naming the URL, token redacted, when no hello comes in time, and cuts the socket', async () => {
    behaviour = () => undefined;
    const closes: number[] = [];
    const chat = openChatSocket({
      url: `ws://${base}/ws?token=very-secret&x=1`,
      helloTimeoutMs: 100,
      name: 'alice',
      onClose: ({ code }) => closes.push(code),
    });
    await assert.rejects(chat.ready, (error: Error) => {
      assert.match(error.message, /^alice: no hello from ws:\/\/.*\/ws\?token=\.\.\.&x=1 within 100 ms/);
      assert.doesNotMatch(error.message, /very-secret/);
      return true;
    });
    await chat.closed;
    assert.deepEqual(closes, [1006]);
  });

  test('rejects when the gateway refuses the upgrade or closes before hello', async () => {
    const refused = openChatSocket({ url: `ws://${base}/nowhere?token=t0ken` });
    await assert.rejects(
      refused.ready,
      /could not connect to ws:\/\/.*\/nowhere\?token=\.\.\.: Unexpected server response: 400/,
    );
    behaviour = (socket) => socket.close(1013, 'try again later');
    const closed = openChatSocket({ url: `ws://${base}/ws` });
    await assert.rejects(closed.ready, /closed the connection \(1013: try again later\) before hello/);
  });

  test('a malformed frame is reported and dropped, and the connection goes on', async () => {
    behaviour = (socket) => {
      socket.send(JSON.stringify(hello));
      socket.send('{"type":');
      socket.send('[1,2]');
      socket.send('{"no":"type"}');
      socket.send(JSON.stringify({ type: 'pong', id: 'after' }));
    };
    const malformed: MalformedFrame[] = [];
    const frames: ServerFrame[] = [];
    const chat = openChatSocket({
      url: `ws://${base}/ws`,
      onFrame: (f) => frames.push(f),
      onMalformed: (m) => malformed.push(m),
    });
    await chat.ready;
    while (frames.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(
      malformed.map((m) => [m.text, m.reason.replace(/ \(.*/, '')]),
      [
        ['{"type":', 'not JSON'],
        ['[1,2]', 'not a JSON object'],
        ['{"no":"type"}', 'no string "type"'],
      ],
    );
    assert.deepEqual(frames[1], { type: 'pong', id: 'after' });
    await chat.close();
  });

  test('matches acks to sends by clientMsgId, retries of one clientMsgId in order', async () => {
    const received: Record<string, unknown>[] = [];
    behaviour = echoGateway(received);
    const chat = openChatSocket({ url: `ws://${base}/ws` });
    await chat.ready;
    const to = { userId: 'u_bob' };
    const [a, b, retry] = await Promise.all([
      chat.sendAndAck({ type: 'send', clientMsgId: 'c-a', to, body: 'a' }),
      chat.sendAndAck({ type: 'send', clientMsgId: 'c-b', to, body: 'b' }),
      chat.sendAndAck({ type: 'send', clientMsgId: 'c-a', to, body: 'a' }),
    ]);
    assert.deepEqual(
      [a, b, retry].map((ack) => [ack.clientMsgId, ack.seq]),
      [
        ['c-a', 1],
        ['c-b', 2],
        ['c-a', 3],
      ],
    );
    assert.equal(chat.pendingSends, 0);
    assert.deepEqual(received[0], { type: 'send', clientMsgId: 'c-a', to, body: 'a' });
    await chat.close();
  });

  test('an error frame for a send rejects that send only; an unanswered one times out', async () => {
    behaviour = echoGateway();
    const chat = openChatSocket({ url: `ws://${base}/ws`, name: 'alice' });
    await chat.ready;
    const to = { userId: 'u_bob' };
    const refused = chat.sendAndAck({ type: 'send', clientMsgId: 'c-no', to, body: 'refuse' });
    const fine = chat.sendAndAck({ type: 'send', clientMsgId: 'c-yes', to, body: 'fine' });
    await assert.rejects(refused, (error: unknown) => {
      assert.ok(error instanceof SendRefusedError);
      assert.equal(error.code, 'NOT_FRIENDS');
      assert.equal(error.message, 'send c-no failed: NOT_FRIENDS no');
      return true;
    });
    assert.equal((await fine).clientMsgId, 'c-yes');
    const lost = chat.sendAndAck({ type: 'send', clientMsgId: 'c-lost', to, body: 'ignore' }, { timeoutMs: 50 });
    await assert.rejects(lost, /^Error: alice: no ack of c-lost within 50 ms$/);
    assert.equal(chat.pendingSends, 0);
    await chat.close();
  });

  test('closing rejects every send still waiting; a send on a closed socket is refused at once', async () => {
    behaviour = (socket) => {
      socket.send(JSON.stringify(hello));
      socket.on('message', () => socket.close(1001, 'going away'));
    };
    const chat = openChatSocket({ url: `ws://${base}/ws` });
    await chat.ready;
    const to = { groupId: 'g1' };
    const pending = [
      chat.sendAndAck({ type: 'send', clientMsgId: 'c-1', to, body: 'one' }),
      chat.sendAndAck({ type: 'send', clientMsgId: 'c-2', to, body: 'two' }),
    ];
    for (const [i, send] of pending.entries())
      await assert.rejects(send, new RegExp(`connection closed \\(1001: going away\\) before the ack of c-${i + 1}`));
    assert.deepEqual(await chat.closed, { code: 1001, reason: 'going away' });
    await assert.rejects(chat.sendAndAck({ type: 'send', clientMsgId: 'c-3', to, body: 'x' }), /not connected/);
  });
});

describe('decodeFrame and redactToken', () => {
  test('decode parses once and never throws', () => {
    assert.deepEqual(decodeFrame('{"type":"pong"}'), { type: 'pong' });
    assert.ok(decodeFrame('null') instanceof MalformedFrame);
    assert.ok(decodeFrame('') instanceof MalformedFrame);
  });

  test('redacts the token wherever it is in the query', () => {
    assert.equal(redactToken('ws://h:1/ws?token=abc'), 'ws://h:1/ws?token=...');
    assert.equal(redactToken('ws://h:1/ws?a=1&token=abc&b=2'), 'ws://h:1/ws?a=1&token=...&b=2');
    assert.equal(redactToken('ws://h:1/ws'), 'ws://h:1/ws');
  });
});

describe('gatewayRequest and gatewayCall', () => {
  test('send the token and traceparent; a refusal carries its status and code', async () => {
    const ok = await gatewayCall<{ auth: string; traceparent: string }>(`http://${base}`, 'GET', '/api/ok', {
      token: 't',
      traceparent: 'tp',
    });
    assert.deepEqual(ok, { auth: 'Bearer t', traceparent: 'tp' });
    await assert.rejects(gatewayCall(`http://${base}`, 'POST', '/api/refused', { body: {} }), (error: unknown) => {
      assert.ok(error instanceof GatewayCallError);
      assert.deepEqual(
        [error.status, error.code, error.message],
        [403, 'NOT_FRIENDS', 'POST /api/refused failed with 403: you are not friends'],
      );
      return true;
    });
    const raw = await gatewayRequest(`http://${base}`, 'GET', '/api/other');
    assert.deepEqual([raw.status, raw.ok, raw.text, raw.json], [500, false, 'oops', undefined]);
  });

  test('an unreachable gateway is a GatewayCallError with status 0', async () => {
    await assert.rejects(gatewayRequest('http://127.0.0.1:1', 'GET', '/api/health'), (error: unknown) => {
      assert.ok(error instanceof GatewayCallError);
      assert.deepEqual([error.status, error.code], [0, 'UNREACHABLE']);
      assert.match(error.message, /gateway http:\/\/127.0.0.1:1 did not answer GET \/api\/health/);
      return true;
    });
  });
});
