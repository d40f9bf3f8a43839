// A web page that learns the port can make the browser POST to it; every header line and the body then arrive as
// inline commands. redis-server defends against this: a command named POST or "Host:" closes the connection
// without executing or answering anything more. The embedded server must do the same; redis-server's behaviour
// is checked alongside as the reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findRedisServerBinary, startRedisServerProcess } from '../providers/redis-server-process';
import { startRespServer } from './index';
import { RawRespClient } from './test-support/raw-resp-client';

const redisServerBinary = findRedisServerBinary();
if (!redisServerBinary && process.env.CI === 'true') {
  throw new Error(
    'redis-server is required in CI for the cross-protocol reference test (apt-get install redis-server)',
  );
}

const HTTP_POST =
  'POST / HTTP/1.1\r\nHost: 127.0.0.1:6379\r\nContent-Type: text/plain\r\nContent-Length: 31\r\n\r\n' +
  'SET smuggled yes\r\nFLUSHDB\r\n';

const ATTEMPTS: [string, string | Buffer][] = [
  ['an HTTP POST whose body holds commands', HTTP_POST],
  ['POST after a command in the same packet', 'PING\r\nPOST / HTTP/1.1\r\nSET smuggled yes\r\n'],
  ['a Host: header line after GET', 'GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\nSET smuggled yes\r\n'],
  [
    'post as a multibulk command',
    Buffer.concat([RawRespClient.encode(['post', '/']), RawRespClient.encode(['SET', 'smuggled', 'yes'])]),
  ],
  ['POST inside MULTI', 'MULTI\r\nPOST /\r\nSET smuggled yes\r\nEXEC\r\n'],
];

interface Target {
  port: number;
  stop(): Promise<void>;
}

function crossProtocolSuite(name: string, start: () => Promise<Target>, skip: string | false): void {
  describe(`${name} facing commands smuggled in HTTP`, { skip }, () => {
    let target: Target;
    let bystander: RawRespClient;

    before(async () => {
      target = await start();
      bystander = await RawRespClient.connect(target.port);
      await bystander.command('FLUSHALL');
      assert.equal(await bystander.command('SET', 'survivor', 'still here'), 'OK');
    });
    after(async () => {
      bystander?.close();
      await target?.stop();
    });

    for (const [what, bytes] of ATTEMPTS) {
      test(`${what}: closed with no answer, nothing after it executed`, async () => {
        const client = await RawRespClient.connect(target.port);
        try {
          client.write(bytes);
          assert.equal(await client.waitForClose(), true, 'the connection is closed');
          assert.equal(client.unread.toString('latin1'), '', 'nothing is answered');
        } finally {
          client.close();
        }
        assert.equal(await bystander.command('GET', 'smuggled'), null);
        assert.equal(await bystander.command('GET', 'survivor'), 'still here');
      });
    }

    test('a key or value that merely contains "post" or "host:" is served as usual', async () => {
      assert.equal(await bystander.command('SET', 'post', 'host:'), 'OK');
      assert.equal(await bystander.command('GET', 'post'), 'host:');
      assert.equal(await bystander.command('DEL', 'post'), 1);
    });
  });
}

crossProtocolSuite(
  'the embedded RESP server',
  async () => {
    const server = await startRespServer();
    return { port: server.port, stop: () => server.stop() };
  },
  false,
);

crossProtocolSuite(
  'redis-server (reference)',
  async () => {
    const server = await startRedisServerProcess();
    return { port: server.port, stop: () => server.stop() };
  },
  redisServerBinary ? false : 'redis-server is not installed here; the reference is not exercised',
);
