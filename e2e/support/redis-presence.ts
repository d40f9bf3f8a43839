// Reads what im-repo keeps in Redis about one user, without depending on its exact key layout: every key naming
// the user, with its type and contents.
import type { Redis } from 'ioredis';

export interface RedisEntry {
  key: string;
  type: string;
  /** Flattened contents: hash fields and values, set members, zset members, string value. */
  contents: string[];
}

export async function redisEntriesAbout(redis: Redis, userId: string): Promise<RedisEntry[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `*${userId}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const entries: RedisEntry[] = [];
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    let contents: string[] = [];
    if (type === 'hash') contents = Object.entries(await redis.hgetall(key)).flat();
    else if (type === 'set') contents = await redis.smembers(key);
    else if (type === 'zset') contents = await redis.zrange(key, 0, -1);
    else if (type === 'string') contents = [(await redis.get(key)) ?? ''];
    entries.push({ key, type, contents });
  }
  return entries;
}

/** True when some Redis entry about the user mentions this connection. */
export async function connectionInRedis(redis: Redis, userId: string, connId: string): Promise<boolean> {
  const entries = await redisEntriesAbout(redis, userId);
  return entries.some((e) => e.key.includes(connId) || e.contents.some((c) => c.includes(connId)));
}
