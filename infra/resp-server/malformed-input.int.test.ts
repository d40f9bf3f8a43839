// A misbehaving client is answered with an error or disconnected, and the server keeps serving everyone else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startRespServer, type RespServer } from './index';
import { RawRespClient } from './test-support/raw-resp-client';

describe('embedded RESP server facing malformed input', () => {
  let server: RespServer;
  let bystander: RawRespClient;

  before(async () => {
    server = await startRespServer();
    bystander = await RawRespClient.connect(server.port);
    assert.equal(await bystander.command('SET', 'survivor', 'still here'), 'OK');
  });
  after(async () => {
    bystander.close();
    await server.stop();
  });

  async function expectProtocolErrorAndClose(bytes: Buffer | string, pattern: RegExp): Promise<void> {
    const client = await RawRespClient.connect(server.port);
    try {
      client.write(bytes);
      const answer = await client.readReply();
      assert.ok(
        typeof answer === 'object' && answer !== null && 'error' in answer,
        `expected an error, got ${JSON.stringify(answer)}`,
      );
      assert.match(answer.error, pattern);
      assert.equal(await client.waitForClose(), true, 'the server closes a connection whose stream it cannot parse');
    } finally {
      client.close();
    }
  }

  test('bad multibulk and bulk headers get a protocol error and the connection is closed', async () => {
    await expectProtocolErrorAndClose('*abc\r\n', /^ERR Protocol error: invalid multibulk length$/);
    await expectProtocolErrorAndClose('*99999999\r\n', /invalid multibulk length/);
    await expectProtocolErrorAndClose('*1\r\n:12\r\n', /expected '\$', got ':'/);
    await expectProtocolErrorAndClose('*1\r\n$-5\r\n', /invalid bulk length/);
    await expectProtocolErrorAndClose('*1\r\n$999999999999\r\n', /invalid bulk length/);
    await expectProtocolErrorAndClose('*1\r\n$3\r\nGETXX', /not terminated by CRLF/);
    await expectProtocolErrorAndClose(Buffer.alloc(70 * 1024, 'a'), /too big inline request/);
    await expectProtocolErrorAndClose(`*${'1'.repeat(70 * 1024)}`, /too big mbulk count string/);
  });

  test('commands before the bad bytes in the same packet are still answered', async () => {
    const client = await RawRespClient.connect(server.port);
    try {
      client.write(Buffer.concat([RawRespClient.encode(['ECHO', 'first']), Buffer.from('*x\r\n')]));
      assert.equal(await client.readReply(), 'first');
      assert.deepEqual(await client.readReply(), { error: 'ERR Protocol error: invalid multibulk length' });
      assert.equal(await client.waitForClose(), true);
    } finally {
      client.close();
    }
  });

  test('a request split into single bytes is reassembled', async () => {
    const client = await RawRespClient.connect(server.port);
    try {
      const bytes = RawRespClient.encode(['SET', 'split', 'v'.repeat(300)]);
      for (const byte of bytes) client.write(Buffer.from([byte]));
      assert.equal(await client.readReply(), 'OK');
      assert.equal(await client.command('GET', 'split'), 'v'.repeat(300));
    } finally {
      client.close();
    }
  });

  test('a large value arriving in many chunks is stored whole', async () => {
    const client = await RawRespClient.connect(server.port);
    try {
      const value = 'x'.repeat(8 * 1024 * 1024);
      const bytes = RawRespClient.encode(['SET', 'big', value]);
      for (let offset = 0; offset < bytes.length; offset += 16 * 1024)
        client.write(bytes.subarray(offset, offset + 16 * 1024));
      assert.equal(await client.readReply(10_000), 'OK');
      assert.equal(await client.command('EXISTS', 'big'), 1);
      assert.equal(await client.command('DEL', 'big'), 1);
    } finally {
      client.close();
    }
  });

  test('empty requests and empty inline lines are ignored; QUIT closes after OK', async () => {
    const client = await RawRespClient.connect(server.port);
    try {
      client.write('*0\r\n*-1\r\n\r\n   \r\n');
      assert.equal(await client.command('PING'), 'PONG');
      client.write(Buffer.concat([RawRespClient.encode(['QUIT']), RawRespClient.encode(['PING'])]));
      assert.equal(await client.readReply(), 'OK');
      assert.equal(await client.waitForClose(), true);
    } finally {
      client.close();
    }
  });

  test('random garbage on many connections never takes the server down', async () => {
    for (let round = 0; round < 40; round += 1) {
      const client = await RawRespClient.connect(server.port);
      const garbage = randomBytes(1 + ((round * 97) % 4096));
      if (round % 3 === 0) garbage[0] = 0x2a; // '*' so the multibulk path is fuzzed too
      if (round % 3 === 1) garbage[0] = 0x24;
      client.write(garbage);
      // Whatever the server answers, the connection is either still usable or closed; a hang is the bug.
      client.write(RawRespClient.encode(['PING']));
      await Promise.race([client.waitForClose(300), client.readReply(300).catch(() => undefined)]);
      client.close();
    }
    assert.equal(await bystander.command('GET', 'survivor'), 'still here');
    const fresh = await RawRespClient.connect(server.port);
    assert.equal(await fresh.command('PING'), 'PONG');
    fresh.close();
  });
});
