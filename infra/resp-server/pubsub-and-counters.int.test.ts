// The commands ioredis and redis-cli users reach for after GET/SET: counters (INCR family), CONFIG GET for tools'
// handshakes, and Pub/Sub between connections.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRespServer, type RespServer } from './index';
import { RawRespClient } from './test-support/raw-resp-client';
import { run } from '../kafka-broker/test-support/processes';

const REDIS_CLI = '/usr/bin/redis-cli';

describe('counters, CONFIG GET and Pub/Sub', () => {
  let server: RespServer;
  let redis: Redis;

  before(async () => {
    server = await startRespServer({ port: 0 });
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  test('INCR, INCRBY, DECR and DECRBY count in 64 bits, keep the TTL and refuse what is not an integer', async () => {
    assert.equal(await redis.incr('hits'), 1);
    assert.equal(await redis.incrby('hits', 41), 42);
    assert.equal(await redis.decr('hits'), 41);
    assert.equal(await redis.decrby('hits', 50), -9);
    assert.equal(await redis.get('hits'), '-9');
    await redis.set('ttl-counter', '5', 'EX', 100);
    await redis.incr('ttl-counter');
    assert.ok((await redis.ttl('ttl-counter')) > 0);
    await redis.set('big', '9223372036854775806');
    await redis.incr('big');
    await assert.rejects(redis.incr('big'), /ERR increment or decrement would overflow/);
    assert.equal(await redis.get('big'), '9223372036854775807');
    await redis.set('word', 'ten');
    await assert.rejects(redis.incr('word'), /ERR value is not an integer or out of range/);
    await assert.rejects(redis.incrby('hits', 'x' as unknown as number), /ERR value is not an integer/);
    await redis.hset('a-hash', 'f', '1');
    await assert.rejects(redis.incr('a-hash'), /WRONGTYPE/);
  });

  test('CONFIG GET answers with fixed settings by glob; CONFIG SET is refused clearly', async () => {
    assert.deepEqual(await redis.config('GET', 'maxmemory*'), ['maxmemory', '0', 'maxmemory-policy', 'noeviction']);
    assert.deepEqual(await redis.config('GET', 'no-such-setting'), []);
    await assert.rejects(redis.config('SET', 'maxmemory', '1'), /CONFIG SET is not supported/);
    if (!existsSync(REDIS_CLI)) {
      if (process.env.CI === 'true') throw new Error(`${REDIS_CLI} is missing: CI installs redis-server`);
      return;
    }
    const cli = await run(REDIS_CLI, ['-p', String(server.port), 'CONFIG', 'GET', 'databases']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), 'databases\n16');
  });

  test('PUBLISH reaches SUBSCRIBE and PSUBSCRIBE connections and counts them', async () => {
    const sub = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const psub = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      assert.equal(await sub.subscribe('room:1', 'room:2'), 2);
      assert.equal(await psub.psubscribe('room:*'), 1);
      const direct = once(sub, 'message');
      const viaPattern = once(psub, 'pmessage');
      assert.equal(await redis.publish('room:1', 'hello'), 2);
      assert.deepEqual(await direct, ['room:1', 'hello']);
      assert.deepEqual(await viaPattern, ['room:*', 'room:1', 'hello']);
      assert.equal(await redis.publish('nobody-here', 'x'), 0);
      assert.deepEqual(await redis.pubsub('NUMSUB', 'room:1', 'room:3'), ['room:1', 1, 'room:3', 0]);
      assert.deepEqual((await redis.pubsub('CHANNELS', 'room:*')) as string[], ['room:1', 'room:2']);
      assert.equal(Number(await redis.pubsub('NUMPAT')), 1);
      assert.equal(await sub.unsubscribe('room:1'), 1);
      assert.equal(await redis.publish('room:1', 'gone'), 1); // only the pattern subscriber is left
    } finally {
      sub.disconnect();
      psub.disconnect();
    }
    // closed connections leave no subscriptions behind
    const patterns = async (): Promise<number> => Number(await redis.pubsub('NUMPAT'));
    for (let i = 0; i < 100 && (await patterns()) !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await patterns(), 0);
    assert.equal(await redis.publish('room:2', 'x'), 0);
  });

  test('a subscribed connection may only PING and (un)subscribe, as in Redis', async () => {
    const raw = await RawRespClient.connect(server.port);
    try {
      assert.deepEqual(await raw.command('SUBSCRIBE', 'news'), ['subscribe', 'news', 1]);
      const refused = await raw.command('GET', 'hits');
      assert.match((refused as { error: string }).error, /Can't execute 'get': only \(P\|S\)SUBSCRIBE/);
      assert.deepEqual(await raw.command('PING'), ['pong', '']);
      assert.deepEqual(await raw.command('UNSUBSCRIBE'), ['unsubscribe', 'news', 0]);
      assert.equal(await raw.command('GET', 'hits'), '-9');
    } finally {
      raw.close();
    }
  });
});
