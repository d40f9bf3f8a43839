import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startRespServer, type RespServer } from './index';

/** Polls until `check` holds; there is no event for "a key expired", so this is the bounded wait. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('embedded RESP server with ioredis', () => {
  let server: RespServer;
  let redis: Redis;

  before(async () => {
    server = await startRespServer({ port: 0 });
    redis = new Redis(server.url, { connectionName: 'resp-test', maxRetriesPerRequest: 1 });
    await redis.flushdb();
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  test('a client that names itself and selects a database gets ready and keeps databases apart', async () => {
    const other = new Redis(server.url, { db: 3, connectionName: 'other', maxRetriesPerRequest: 1 });
    try {
      await other.set('shared-name', 'in-db-3');
      assert.equal(await other.client('GETNAME'), 'other');
      assert.equal(await redis.get('shared-name'), null);
      assert.equal(await other.get('shared-name'), 'in-db-3');
      assert.equal(await other.dbsize(), 1);
      await other.flushdb();
      assert.equal(await other.dbsize(), 0);
    } finally {
      other.disconnect();
    }
  });

  test('strings: SET conditions, GET, DEL and EXISTS', async () => {
    assert.equal(await redis.set('user:1', 'alice'), 'OK');
    assert.equal(await redis.set('user:1', 'bob', 'NX'), null);
    assert.equal(await redis.set('user:2', 'carol', 'XX'), null);
    assert.equal(await redis.set('user:1', 'bob', 'XX'), 'OK');
    assert.equal(await redis.get('user:1'), 'bob');
    assert.equal(await redis.exists('user:1', 'user:1', 'user:2'), 2);
    assert.equal(await redis.del('user:1', 'user:2'), 1);
    assert.equal(await redis.get('user:1'), null);
    await assert.rejects(redis.set('k', 'v', 'EX', 0), /invalid expire time in 'set' command/);
    await assert.rejects(redis.call('SET', 'k', 'v', 'EX'), /syntax error/);
  });

  test('binary values survive a round trip byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x80, 0xc3, 0x28]);
    await redis.set(Buffer.from('bin\x00key'), bytes);
    assert.deepEqual(await redis.getBuffer(Buffer.from('bin\x00key')), bytes);
    await redis.set('utf8', 'héllo wörld 🙂');
    assert.equal(await redis.get('utf8'), 'héllo wörld 🙂');
  });

  test('expiry: TTL and PTTL report missing / persistent / expiring keys, and expired keys disappear', async () => {
    await redis.set('session', 'x', 'EX', 100);
    assert.equal(await redis.ttl('session'), 100);
    assert.ok((await redis.pttl('session')) > 99_000);
    await redis.set('forever', 'x');
    assert.equal(await redis.ttl('forever'), -1);
    assert.equal(await redis.ttl('missing'), -2);
    assert.equal(await redis.expire('missing', 10), 0);
    assert.equal(await redis.expire('forever', 50), 1);
    assert.equal(await redis.ttl('forever'), 50);
    await redis.set('forever', 'y');
    assert.equal(await redis.ttl('forever'), -1, 'SET without KEEPTTL clears the expiry');
    await redis.set('kept', 'a', 'EX', 100);
    await redis.set('kept', 'b', 'KEEPTTL');
    assert.equal(await redis.ttl('kept'), 100);
    assert.equal(await redis.expire('kept', -1), 1, 'a negative expiry deletes the key');
    assert.equal(await redis.exists('kept'), 0);

    await redis.set('short', 'x', 'PX', 40);
    await redis.pexpire('forever', 40);
    await eventually(async () => (await redis.get('short')) === null, 'a read of an expired key to miss');
    await eventually(async () => (await redis.exists('forever')) === 0, 'PEXPIRE to take effect');
  });

  test('expired keys that nobody reads are swept in the background', async () => {
    await redis.select(5);
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 50; i += 1) pipeline.set(`temp:${i}`, 'x', 'PX', 30);
      pipeline.set('stays', 'x');
      await pipeline.exec();
      // DBSIZE counts keys that expired but were not swept yet, so it reaching 1 proves the sweep ran.
      await eventually(async () => (await redis.dbsize()) === 1, 'the background sweep to remove expired keys');
    } finally {
      await redis.flushdb();
      await redis.select(0);
    }
  });

  test('EXPIRE options NX / XX / GT / LT', async () => {
    await redis.set('e', 'x');
    assert.equal(await redis.call('EXPIRE', 'e', '100', 'XX'), 0);
    assert.equal(await redis.call('EXPIRE', 'e', '100', 'NX'), 1);
    assert.equal(await redis.call('EXPIRE', 'e', '50', 'GT'), 0);
    assert.equal(await redis.call('EXPIRE', 'e', '200', 'GT'), 1);
    assert.equal(await redis.call('EXPIRE', 'e', '150', 'LT'), 1);
    assert.equal(await redis.ttl('e'), 150);
    await assert.rejects(redis.call('EXPIRE', 'e', '1', 'NX', 'XX'), /not compatible/);
  });

  test('hashes and sets, with WRONGTYPE across types', async () => {
    assert.equal(await redis.hset('presence:alice', 'c1', 'gw-1', 'c2', 'gw-2'), 2);
    assert.equal(await redis.hset('presence:alice', 'c2', 'gw-3'), 0);
    assert.equal(await redis.hget('presence:alice', 'c2'), 'gw-3');
    assert.deepEqual(await redis.hgetall('presence:alice'), { c1: 'gw-1', c2: 'gw-3' });
    assert.equal(await redis.hlen('presence:alice'), 2);
    assert.deepEqual((await redis.hkeys('presence:alice')).sort(), ['c1', 'c2']);
    assert.equal(await redis.hdel('presence:alice', 'c1', 'c2', 'c3'), 2);
    assert.equal(await redis.exists('presence:alice'), 0, 'an emptied hash is deleted');
    await assert.rejects(redis.call('HSET', 'h', 'f'), /wrong number of arguments for 'hset'/);

    assert.equal(await redis.sadd('gateways', 'gw-1', 'gw-2', 'gw-1'), 2);
    assert.equal(await redis.scard('gateways'), 2);
    assert.deepEqual((await redis.smembers('gateways')).sort(), ['gw-1', 'gw-2']);
    assert.equal(await redis.srem('gateways', 'gw-1', 'gw-9'), 1);
    assert.equal(await redis.srem('gateways', 'gw-2'), 1);
    assert.equal(await redis.exists('gateways'), 0, 'an emptied set is deleted');

    await redis.set('plain', 'v');
    await assert.rejects(
      redis.hget('plain', 'f'),
      /^ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value/,
    );
    await assert.rejects(redis.sadd('plain', 'm'), /WRONGTYPE/);
    await redis.sadd('a-set', 'm');
    await assert.rejects(redis.get('a-set'), /WRONGTYPE/);
    await assert.rejects(redis.zadd('a-set', 1, 'm'), /WRONGTYPE/);
  });

  test('sorted sets: ZADD flags, ranges by rank and score, removal by score', async () => {
    assert.equal(await redis.zadd('online', 30, 'carol', 10, 'alice', 20, 'bob'), 3);
    assert.deepEqual(await redis.zrange('online', 0, -1), ['alice', 'bob', 'carol']);
    assert.deepEqual(await redis.zrange('online', 0, -1, 'WITHSCORES'), ['alice', '10', 'bob', '20', 'carol', '30']);
    assert.deepEqual(await redis.zrange('online', -2, 100), ['bob', 'carol']);
    assert.deepEqual(await redis.zrange('online', 0, 0, 'REV'), ['carol']);
    assert.deepEqual(await redis.zrangebyscore('online', '(10', '+inf'), ['bob', 'carol']);
    assert.deepEqual(await redis.zrangebyscore('online', '-inf', 20, 'LIMIT', 1, 5), ['bob']);
    assert.deepEqual(await redis.call('ZRANGE', 'online', '+inf', '15', 'BYSCORE', 'REV'), ['carol', 'bob']);
    assert.equal(await redis.zscore('online', 'bob'), '20');
    assert.equal(await redis.zscore('online', 'nobody'), null);

    assert.equal(await redis.zadd('online', 'NX', 99, 'alice'), 0);
    assert.equal(await redis.zadd('online', 'XX', 'CH', 15, 'alice', 1, 'dave'), 1);
    assert.equal(await redis.zadd('online', 'GT', 'CH', 5, 'alice'), 0);
    assert.equal(await redis.zadd('online', 'LT', 'CH', 5, 'alice'), 1);
    assert.equal(await redis.zadd('online', 'INCR', 2.5, 'alice'), '7.5');
    assert.equal(await redis.zcard('online'), 3);
    await assert.rejects(redis.zadd('online', 'nan-score', 'x'), /not a valid float/);
    await assert.rejects(redis.zrangebyscore('online', 'low', 'high'), /min or max is not a float/);
    await assert.rejects(redis.zadd('online', 'NX', 'XX', 1, 'x'), /not compatible/);

    assert.equal(await redis.zremrangebyscore('online', '-inf', '(20'), 1);
    assert.deepEqual(await redis.zrange('online', 0, -1), ['bob', 'carol']);
    assert.equal(await redis.zrem('online', 'bob', 'carol', 'zed'), 2);
    assert.equal(await redis.exists('online'), 0);
  });

  test('KEYS and SCAN with MATCH and COUNT', async () => {
    await redis.select(7);
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 120; i += 1) pipeline.set(`conn:${i}`, 'x');
      pipeline.set('other', 'x');
      pipeline.set('conn:[weird]', 'x');
      await pipeline.exec();
      assert.equal((await redis.keys('conn:*')).length, 121);
      assert.deepEqual((await redis.keys('conn:1?')).sort(), [
        'conn:10',
        'conn:11',
        'conn:12',
        'conn:13',
        'conn:14',
        'conn:15',
        'conn:16',
        'conn:17',
        'conn:18',
        'conn:19',
      ]);
      assert.deepEqual(await redis.keys('conn:\\[weird\\]'), ['conn:[weird]']);
      assert.deepEqual((await redis.keys('conn:[2-3]5')).sort(), ['conn:25', 'conn:35']);

      // Keys present for the whole scan are all returned even while other keys come and go.
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', 'conn:*', 'COUNT', 7);
        for (const key of keys) seen.add(key);
        await redis.del(`conn:${100 + calls}`);
        await redis.set(`conn:new:${calls}`, 'x');
        cursor = next;
        calls += 1;
        assert.ok(calls < 1000, 'SCAN must terminate');
      } while (cursor !== '0');
      for (let i = 0; i < 100; i += 1) assert.ok(seen.has(`conn:${i}`), `conn:${i} returned by SCAN`);
      assert.ok(!seen.has('other'));
      assert.ok(calls > 10, 'COUNT bounds the work per call');
      await assert.rejects(redis.scan('abc'), /invalid cursor/);
    } finally {
      await redis.flushdb();
      await redis.select(0);
    }
  });

  test('MULTI/EXEC runs the queue atomically and reports per-command errors', async () => {
    await redis.set('str', 'v');
    const results = await redis.multi().hset('tx:h', 'f', '1').sadd('str', 'x').hget('tx:h', 'f').exec();
    assert.ok(results);
    assert.deepEqual(results[0], [null, 1]);
    assert.match(String(results[1]?.[0]), /WRONGTYPE/);
    assert.deepEqual(results[2], [null, '1']);

    await assert.rejects(redis.multi().set('tx:a', '1').call('NOPE').exec(), /EXECABORT/);
    assert.equal(await redis.exists('tx:a'), 0, 'an aborted transaction changes nothing');

    await redis.call('MULTI');
    assert.equal(await redis.call('SET', 'tx:b', '1'), 'QUEUED');
    assert.equal(await redis.call('DISCARD'), 'OK');
    assert.equal(await redis.exists('tx:b'), 0);
    await assert.rejects(redis.call('EXEC'), /EXEC without MULTI/);
    await assert.rejects(redis.call('DISCARD'), /DISCARD without MULTI/);
  });

  test('unknown commands and bad arguments get the error replies Redis gives', async () => {
    await assert.rejects(
      redis.call('FROB', 'a', 'b'),
      /^ReplyError: ERR unknown command 'FROB', with args beginning with: 'a' 'b'/,
    );
    await assert.rejects(redis.call('GET'), /ERR wrong number of arguments for 'get' command/);
    await assert.rejects(redis.call('SELECT', '99'), /DB index is out of range/);
    await assert.rejects(redis.call('EXPIRE', 'k', 'soon'), /value is not an integer or out of range/);
    await assert.rejects(redis.call('CLIENT', 'KILL', 'x'), /unknown subcommand 'KILL'/);
    assert.equal(await redis.ping(), 'PONG');
    assert.equal(await redis.echo('hello'), 'hello');
    assert.equal(await redis.call('CLIENT', 'SETINFO', 'lib-name', 'ioredis'), 'OK');
    assert.match(await redis.info(), /redis_version:7/);
  });

  test('a pipeline of many commands is answered in order', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2000; i += 1) pipeline.set(`p:${i}`, String(i)).get(`p:${i}`);
    const results = await pipeline.exec();
    assert.ok(results);
    for (let i = 0; i < 2000; i += 1) assert.deepEqual(results[i * 2 + 1], [null, String(i)]);
  });
});
