// Presence in Redis, per connection, using only the commands the embedded RESP server also serves (no Lua):
//   gochat:presence:conns:<user>   HASH  conn_id -> {"gatewayId","connectedAtMs","expiresAtMs","ttlMs"}
//   gochat:presence:expiry         ZSET  ["<user>","<conn>"] scored by expiresAtMs (what the sweep reads)
//   gochat:presence:gateway:<gw>   SET   ["<user>","<conn>"] of the connections recorded for that gateway
//   gochat:gateway:<gateway>       STRING GatewayInfo JSON, PX ttl
// im-repo is the only writer, and mutations run one at a time in this process, so a read-then-write sequence
// cannot interleave with another mutation (that is what WATCH or Lua would otherwise be needed for).
//
// A connection expires only when its gateway stopped renewing it while the store was working: an entry whose
// expiry passed during an outage of im-repo or Redis (when no gateway could beat) is kept until the store has
// been working for a whole TTL again, so live users are never shown offline because of such an outage. And a
// gateway's heartbeat lists every connection it holds, so a recorded one of that gateway it no longer lists (its
// close was lost, or it belonged to the gateway's previous, crashed run) ends at once rather than at its expiry.
import { Redis } from 'ioredis';
import {
  PresenceStatus,
  type PresenceConnection,
  type UserPresence,
} from '../../../../proto/gen/gochat/common/v1/common';
import type { GatewayInfo } from '../../../../proto/gen/gochat/repo/v1/repo';
import { Unavailable } from '../../../../lib/errors';
import type { GatewayRegistration, PresenceStore } from '../../domain/ports';
import type { Clock } from '../../domain/validation';

const CONNS_PREFIX = 'gochat:presence:conns:';
const EXPIRY_KEY = 'gochat:presence:expiry';
const GATEWAY_PREFIX = 'gochat:gateway:';
const GATEWAY_CONNS_PREFIX = 'gochat:presence:gateway:';
const SWEEP_BATCH = 1000;
const UNLISTED_GRACE_MS = 3000;

interface StoredConnection {
  gatewayId: string;
  connectedAtMs: number;
  expiresAtMs: number;
  /** The TTL it was last renewed with (0 for entries written before it was recorded). */
  ttlMs: number;
}

function parseConnection(json: string | null | undefined): StoredConnection | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as Partial<StoredConnection>;
    if (typeof value.gatewayId !== 'string' || typeof value.expiresAtMs !== 'number') return undefined;
    return {
      gatewayId: value.gatewayId,
      connectedAtMs: value.connectedAtMs ?? 0,
      expiresAtMs: value.expiresAtMs,
      ttlMs: value.ttlMs ?? 0,
    };
  } catch {
    return undefined;
  }
}

const expiryMember = (userId: string, connId: string): string => JSON.stringify([userId, connId]);

/** Results of MULTI/EXEC, failing loudly if Redis refused the transaction or any command in it. */
function execResults(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Unavailable('redis transaction was aborted');
  return results.map(([err, value]) => {
    if (err) throw new Unavailable(`redis command failed: ${err.message}`, { cause: err });
    return value;
  });
}

export function connectRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 2,
    // Reconnect forever with a capped delay: Redis restarting must not need an im-repo restart.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
}

export class RedisPresenceStore implements PresenceStore {
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * Since when the store has worked without a failure (this process's start, or Redis answering again after
   * failing); null while it fails. Gateways could not renew anything before that.
   */
  private workingSince: number | null;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {
    this.workingSince = clock.now();
  }

  /** Runs mutations one after another; a failed one does not block the next. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return this.tracked(run);
  }

  /** Records whether Redis answered, and turns its failures into Unavailable. */
  private async tracked<T>(pending: Promise<T>): Promise<T> {
    try {
      const value = await pending;
      this.workingSince ??= this.clock.now();
      return value;
    } catch (err) {
      this.workingSince = null;
      if (err instanceof Unavailable) throw err;
      throw new Unavailable(`presence store failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * When a connection really expires: at its expiry, but never before its gateway had one whole TTL of working
   * store to renew it in (so never while the store is failing).
   */
  private expiresAt(entry: StoredConnection): number {
    if (this.workingSince === null) return Number.POSITIVE_INFINITY;
    return Math.max(entry.expiresAtMs, this.workingSince + entry.ttlMs);
  }

  setOnline(userId: string, connId: string, gatewayId: string, ttlMs: number) {
    return this.serial(async () => {
      const now = this.clock.now();
      const key = CONNS_PREFIX + userId;
      const existing = parseConnection(await this.redis.hget(key, connId));
      const entry: StoredConnection = {
        gatewayId,
        connectedAtMs: existing?.connectedAtMs ?? now,
        expiresAtMs: now + ttlMs,
        ttlMs,
      };
      const [added, , count] = execResults(
        await this.redis
          .multi()
          .hset(key, connId, JSON.stringify(entry))
          .zadd(EXPIRY_KEY, entry.expiresAtMs, expiryMember(userId, connId))
          .hlen(key)
          .sadd(GATEWAY_CONNS_PREFIX + gatewayId, expiryMember(userId, connId))
          .exec(),
      ) as [number, number, number, number];
      return { firstConnection: added === 1 && count === 1, connectionCount: count };
    });
  }

  setOffline(userId: string, connId: string, gatewayId: string) {
    return this.serial(async () => {
      const { removed, count } = await this.removeConnection(userId, connId, gatewayId);
      return { lastConnection: removed && count === 0, connectionCount: count };
    });
  }

  private async removeConnection(
    userId: string,
    connId: string,
    gatewayId: string | undefined,
  ): Promise<{ removed: boolean; count: number }> {
    const key = CONNS_PREFIX + userId;
    const member = expiryMember(userId, connId);
    const tx = this.redis.multi().hdel(key, connId).zrem(EXPIRY_KEY, member).hlen(key);
    if (gatewayId) tx.srem(GATEWAY_CONNS_PREFIX + gatewayId, member);
    const [removed, , count] = execResults(await tx.exec()) as [number, number, number];
    return { removed: removed === 1, count };
  }

  /**
   * Ends the gateway's recorded connections that its heartbeat no longer lists. One created or renewed very
   * recently (under 3 s, or half its TTL) is left alone: it may have opened after the gateway took the list this
   * heartbeat carries.
   */
  private async dropUnlisted(
    gatewayId: string,
    connections: readonly { userId: string; connId: string }[],
    now: number,
  ): Promise<string[]> {
    const setKey = GATEWAY_CONNS_PREFIX + gatewayId;
    const listed = new Set(connections.map(({ userId, connId }) => expiryMember(userId, connId)));
    const gone: string[] = [];
    for (const member of await this.redis.smembers(setKey)) {
      if (listed.has(member)) continue;
      let userId: string;
      let connId: string;
      try {
        [userId, connId] = JSON.parse(member) as [string, string];
      } catch {
        await this.redis.srem(setKey, member);
        continue;
      }
      const stored = parseConnection(await this.redis.hget(CONNS_PREFIX + userId, connId));
      if (!stored || stored.gatewayId !== gatewayId) {
        await this.redis.srem(setKey, member);
        continue;
      }
      if (now - (stored.expiresAtMs - stored.ttlMs) < Math.min(stored.ttlMs / 2, UNLISTED_GRACE_MS)) continue;
      const { removed, count } = await this.removeConnection(userId, connId, gatewayId);
      if (removed && count === 0) gone.push(userId);
    }
    return gone;
  }

  heartbeat(gatewayId: string, connections: readonly { userId: string; connId: string }[], ttlMs: number) {
    return this.serial(async () => {
      const now = this.clock.now();
      const expiresAtMs = now + ttlMs;
      let renewed = 0;
      if (connections.length > 0) {
        const lookup = this.redis.pipeline();
        for (const { userId, connId } of connections) lookup.hget(CONNS_PREFIX + userId, connId);
        const current = execResults(await lookup.exec()) as (string | null)[];
        const renewals: { userId: string; connId: string; entry: StoredConnection }[] = [];
        connections.forEach(({ userId, connId }, i) => {
          // Only connections still on record are renewed (late ones too, if no sweep removed them yet): a heartbeat
          // racing a SetUserOffline must not bring a closed connection back, and one whose expiry was already
          // reported stays gone. A gateway that sees fewer renewed than it sent can re-announce the missing ones
          // with SetUserOnline, which reports the transition properly.
          const stored = parseConnection(current[i]);
          if (!stored) return;
          renewals.push({
            userId,
            connId,
            entry: { gatewayId, connectedAtMs: stored.connectedAtMs, expiresAtMs, ttlMs },
          });
        });
        if (renewals.length > 0) {
          const renew = this.redis.multi();
          for (const { userId, connId, entry } of renewals) {
            renew.hset(CONNS_PREFIX + userId, connId, JSON.stringify(entry));
            renew.zadd(EXPIRY_KEY, expiresAtMs, expiryMember(userId, connId));
          }
          execResults(await renew.exec());
        }
        renewed = renewals.length;
      }
      const unlisted = await this.dropUnlisted(gatewayId, connections, now);
      const expiredUserIds = [...new Set([...unlisted, ...(await this.sweep(now))])];
      return { renewed, expiredUserIds };
    });
  }

  /** Removes connections whose expiry has passed; returns the users left with none. */
  private async sweep(now: number): Promise<string[]> {
    const expiredUsers = new Set<string>();
    const due = await this.redis.zrangebyscore(EXPIRY_KEY, '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
    for (const member of due) {
      let userId: string;
      let connId: string;
      try {
        [userId, connId] = JSON.parse(member) as [string, string];
      } catch {
        await this.redis.zrem(EXPIRY_KEY, member);
        continue;
      }
      const key = CONNS_PREFIX + userId;
      const stored = parseConnection(await this.redis.hget(key, connId));
      if (stored && stored.expiresAtMs > now) {
        await this.redis.zadd(EXPIRY_KEY, stored.expiresAtMs, member);
        continue;
      }
      // past its expiry, but its gateway has not yet had a whole TTL of working store since an outage
      if (stored && this.expiresAt(stored) > now) continue;
      const { removed, count } = await this.removeConnection(userId, connId, stored?.gatewayId);
      if (removed && count === 0) expiredUsers.add(userId);
    }
    return [...expiredUsers];
  }

  async getPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.hgetall(CONNS_PREFIX + userId);
    const hashes = execResults(await this.guard(pipeline.exec())) as Record<string, string>[];
    const now = this.clock.now();
    return userIds.map((userId, i) => this.presenceOf(userId, hashes[i] ?? {}, now));
  }

  async listOnline(): Promise<UserPresence[]> {
    const userIds = (await this.scanKeys(CONNS_PREFIX)).map((key) => key.slice(CONNS_PREFIX.length)).sort();
    const presence = await this.getPresence(userIds);
    return presence.filter((p) => p.status === PresenceStatus.PRESENCE_STATUS_ONLINE);
  }

  private presenceOf(userId: string, hash: Record<string, string>, now: number): UserPresence {
    const connections: PresenceConnection[] = [];
    for (const [connId, json] of Object.entries(hash)) {
      const stored = parseConnection(json);
      if (!stored || this.expiresAt(stored) <= now) continue;
      connections.push({
        userId,
        connId,
        gatewayId: stored.gatewayId,
        connectedAtMs: stored.connectedAtMs,
        expiresAtMs: stored.expiresAtMs,
      });
    }
    connections.sort((a, b) => a.connectedAtMs - b.connectedAtMs || a.connId.localeCompare(b.connId));
    return {
      userId,
      status: connections.length > 0 ? PresenceStatus.PRESENCE_STATUS_ONLINE : PresenceStatus.PRESENCE_STATUS_OFFLINE,
      connections,
    };
  }

  registerGateway(gateway: GatewayRegistration, ttlMs: number): Promise<GatewayInfo> {
    return this.serial(async () => {
      const now = this.clock.now();
      const key = GATEWAY_PREFIX + gateway.gatewayId;
      const previous = this.parseGateway(await this.redis.get(key));
      const info: GatewayInfo = {
        ...gateway,
        registeredAtMs: previous && previous.expiresAtMs > now ? previous.registeredAtMs : now,
        expiresAtMs: now + ttlMs,
      };
      await this.redis.set(key, JSON.stringify(info), 'PX', ttlMs);
      return info;
    });
  }

  async listGateways(): Promise<GatewayInfo[]> {
    const keys = (await this.scanKeys(GATEWAY_PREFIX)).sort();
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.get(key);
    const values = execResults(await this.guard(pipeline.exec())) as (string | null)[];
    const now = this.clock.now();
    return values.flatMap((json) => {
      const info = this.parseGateway(json);
      return info && info.expiresAtMs > now ? [info] : [];
    });
  }

  private parseGateway(json: string | null): GatewayInfo | undefined {
    if (!json) return undefined;
    try {
      return JSON.parse(json) as GatewayInfo;
    } catch {
      return undefined;
    }
  }

  private async scanKeys(prefix: string): Promise<string[]> {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.guard(this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500));
      cursor = next;
      for (const key of batch) keys.add(key);
    } while (cursor !== '0');
    return [...keys];
  }

  private guard<T>(pending: Promise<T>): Promise<T> {
    return this.tracked(pending);
  }
}
