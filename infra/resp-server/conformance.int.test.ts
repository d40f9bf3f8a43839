// Differential test: the same commands go to a real redis-server and to the embedded server, and every reply,
// errors included, must be identical.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findRedisServerBinary,
  startRedisServerProcess,
  type RedisServerProcess,
} from '../providers/redis-server-process';
import { startRespServer, type RespServer } from './index';
import { RawRespClient, type RawReply } from './test-support/raw-resp-client';

const redisServerBinary = findRedisServerBinary();
if (!redisServerBinary && process.env.CI === 'true') {
  throw new Error('redis-server is required in CI for the RESP conformance test (apt-get install redis-server)');
}
const skipReason = redisServerBinary ? false : 'redis-server is not installed here; conformance not exercised';

/** Commands whose replies list members in an order Redis does not define. */
const UNORDERED = new Set(['keys', 'smembers', 'hkeys']);

function normalise(argv: readonly string[], value: RawReply): RawReply {
  const name = (argv[0] ?? '').toLowerCase();
  if (!Array.isArray(value)) return value;
  if (UNORDERED.has(name)) return [...value].sort();
  if (name === 'hgetall') {
    const pairs: string[] = [];
    for (let i = 0; i < value.length; i += 2) pairs.push(`${String(value[i])}=${String(value[i + 1])}`);
    return pairs.sort();
  }
  return value;
}

const SCRIPT: string[][] = [
  ['SET', 'a', '1'],
  ['SET', 'a', '2', 'NX'],
  ['SET', 'a', '3', 'XX', 'GET'],
  ['GET', 'a'],
  ['SET', 'b', 'x', 'EX', '0'],
  ['SET', 'b', 'x', 'PX'],
  ['SET', 'b', 'x', 'EX', '10', 'PX', '10'],
  ['SET', 'b', 'x', 'KEEPTTL', 'EX', '1'],
  ['SET', 'b', 'x', 'EX', 'ten'],
  ['SET', 'b', 'x', 'NX', 'XX'],
  ['TTL', 'a'],
  ['TTL', 'nope'],
  ['PTTL', 'nope'],
  ['EXPIRE', 'a', '100'],
  ['TTL', 'a'],
  ['EXPIRE', 'a', '10', 'GT'],
  ['EXPIRE', 'a', 'abc'],
  ['EXPIRE', 'a', '10', 'SOMETIMES'],
  ['PEXPIRE', 'a', '200000'],
  ['TTL', 'a'],
  ['DEL', 'a', 'a', 'nope'],
  ['EXISTS', 'a'],
  ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
  ['HSET', 'h', 'f1'],
  ['HGET', 'h', 'f1'],
  ['HGET', 'h', 'nope'],
  ['HDEL', 'h', 'f1', 'f9'],
  ['HLEN', 'h'],
  ['HGETALL', 'h'],
  ['HGETALL', 'nope'],
  ['HKEYS', 'h'],
  ['HGET', 'nope', 'f'],
  ['SADD', 's', 'a', 'b', 'c', 'a'],
  ['SREM', 's', 'a', 'z'],
  ['SCARD', 's'],
  ['SMEMBERS', 's'],
  ['SMEMBERS', 'nope'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
  ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
  ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
  ['ZADD', 'z', 'INCR', '5', 'a'],
  ['ZADD', 'z', 'XX', 'INCR', '5', 'nope'],
  ['ZADD', 'z', '1'],
  ['ZADD', 'z', '1', 'a', '2'],
  ['ZADD', 'z', 'abc', 'x'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'z', '1', '1'],
  ['ZRANGE', 'z', '-100', '100'],
  ['ZRANGE', 'z', '5', '1'],
  ['ZRANGE', 'z', '0', '-1', 'REV'],
  ['ZRANGE', 'z', '0', '0', 'REV', 'WITHSCORES'],
  ['ZRANGE', 'z', '(1', '+inf', 'BYSCORE'],
  ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '2'],
  ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
  ['ZRANGE', 'z', 'a', 'b'],
  ['ZRANGE', 'nope', '0', '-1'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '1'],
  ['ZRANGEBYSCORE', 'z', '(2', '(6'],
  ['ZRANGEBYSCORE', 'z', '2', '6', 'LIMIT', '0', '-1'],
  ['ZRANGEBYSCORE', 'z', 'x', 'y'],
  ['ZRANGEBYSCORE', 'z', '1', '2', 'BOGUS'],
  ['ZSCORE', 'z', 'a'],
  ['ZADD', 'z', '1.5', 'd', '-0.25', 'e', '1e3', 'f'],
  ['ZSCORE', 'z', 'd'],
  ['ZSCORE', 'z', 'e'],
  ['ZSCORE', 'z', 'f'],
  ['ZADD', 'z', '-inf', 'm', '+inf', 'n'],
  ['ZSCORE', 'z', 'm'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZREMRANGEBYSCORE', 'z', '-inf', '(2'],
  ['ZREMRANGEBYSCORE', 'z', 'x', '2'],
  ['ZCARD', 'z'],
  ['ZREM', 'z', 'a', 'b', 'nope'],
  ['ZCARD', 'nope'],
  ['GET', 'h'],
  ['HSET', 's', 'f', 'v'],
  ['ZADD', 'h', '1', 'a'],
  ['SADD', 'z', 'x'],
  ['ZRANGE', 's', '0', '-1'],
  ['KEYS', '*'],
  ['KEYS', '?'],
  ['KEYS', '[hs]'],
  ['KEYS', '[^h]'],
  ['DBSIZE'],
  ['SELECT', '1'],
  ['DBSIZE'],
  ['SELECT', '16'],
  ['SELECT', '-1'],
  ['SELECT', 'x'],
  ['SELECT', '0'],
  ['ECHO', 'hi'],
  ['PING'],
  ['PING', 'hi'],
  ['PING', 'a', 'b'],
  ['FOOBAR', '1', '2'],
  ['GET'],
  ['CLIENT', 'SETNAME', 'my-name'],
  ['CLIENT', 'GETNAME'],
  ['CLIENT', 'SETNAME', 'bad name'],
  ['MULTI'],
  ['SET', 't', '1'],
  ['HGET', 't', 'f'],
  ['GET', 't'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 't', '2'],
  ['NOPE'],
  ['EXEC'],
  ['GET', 't'],
  ['MULTI'],
  ['GET'],
  ['EXEC'],
  ['MULTI'],
  ['MULTI'],
  ['DISCARD'],
  ['EXEC'],
  ['DISCARD'],
  ['SCAN', 'x'],
  ['SCAN', '0', 'COUNT', '0'],
  ['SCAN', '0', 'MATCH'],
  ['FLUSHDB'],
  ['DBSIZE'],
  ['SCAN', '0'],
];

describe('embedded RESP server answers like redis-server', { skip: skipReason }, () => {
  let real: RedisServerProcess;
  let embedded: RespServer;
  let realClient: RawRespClient;
  let embeddedClient: RawRespClient;

  before(async () => {
    real = await startRedisServerProcess();
    embedded = await startRespServer();
    realClient = await RawRespClient.connect(real.port);
    embeddedClient = await RawRespClient.connect(embedded.port);
    await realClient.command('FLUSHALL');
  });
  after(async () => {
    realClient?.close();
    embeddedClient?.close();
    await embedded?.stop();
    await real?.stop();
  });

  test('every reply of a script covering each served command, its options and its errors', async () => {
    const mismatches: string[] = [];
    for (const argv of SCRIPT) {
      const expected = normalise(argv, await realClient.command(...argv));
      const actual = normalise(argv, await embeddedClient.command(...argv));
      try {
        assert.deepEqual(actual, expected);
      } catch {
        mismatches.push(
          `${argv.join(' ')}\n    redis-server: ${JSON.stringify(expected)}\n    embedded:     ${JSON.stringify(actual)}`,
        );
      }
    }
    assert.deepEqual(mismatches, [], `replies differ:\n${mismatches.join('\n')}`);
  });

  test('inline commands, as typed into telnet', async () => {
    realClient.write('PING\r\nECHO  inline\r\n');
    embeddedClient.write('PING\r\nECHO  inline\r\n');
    for (let i = 0; i < 2; i += 1) assert.deepEqual(await embeddedClient.readReply(), await realClient.readReply());
  });
});
