// Wires im-repo together: storage adapters -> use cases -> gRPC server. main.ts adds the process lifecycle.
import type { Redis } from 'ioredis';
import { PresenceServiceService } from '../../proto/gen/gochat/repo/v1/repo';
import { startGrpcServer, serviceNameOf, type RunningGrpcServer } from '../../lib/grpc';
import type { Logger } from '../../lib/log';
import { connectRedis, RedisPresenceStore } from './adapters/redis/presence-store';
import { openDatabase, type SqliteDatabase } from './adapters/sqlite/database';
import { SqliteFriendStore } from './adapters/sqlite/friend-store';
import { SqliteGroupStore } from './adapters/sqlite/group-store';
import { SqliteMessageStore } from './adapters/sqlite/message-store';
import { SqliteSeedStore } from './adapters/sqlite/seed-store';
import { SqliteUserStore } from './adapters/sqlite/user-store';
import type { RepoConfig } from './config';
import { GroupRoster } from './domain/groups';
import { ConversationLog } from './domain/messages';
import { PresenceTracker } from './domain/presence';
import { Seeder } from './domain/seeding';
import { Friendships, UserDirectory } from './domain/users';
import { systemClock } from './domain/validation';
import { repoServices } from './transport/grpc-services';
import { seedRegistration } from './transport/seed-service';

export interface RunningRepo {
  grpc: RunningGrpcServer;
  shutdown(): Promise<void>;
}

async function connectWithin(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${url} not reachable within ${timeoutMs} ms`)), timeoutMs);
  });
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  // connect() rejects on the first failed attempt while ioredis keeps retrying; wait for "ready" instead.
  redis.connect().catch(() => undefined);
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startRepo(config: RepoConfig, logger: Logger): Promise<RunningRepo> {
  const db: SqliteDatabase = openDatabase(config.sqlitePath, config.sqliteSync);
  const redis = connectRedis(config.redisUrl);
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  try {
    await connectWithin(redis, config.redisUrl, config.redisConnectTimeoutMs);
  } catch (err) {
    redis.disconnect();
    db.close();
    throw err;
  }

  const users = new UserDirectory(new SqliteUserStore(db), systemClock);
  const groupStore = new SqliteGroupStore(db);
  const friendStore = new SqliteFriendStore(db);
  const useCases = {
    presence: new PresenceTracker(new RedisPresenceStore(redis, systemClock)),
    users,
    friends: new Friendships(friendStore, users, systemClock),
    groups: new GroupRoster(groupStore, users, systemClock),
    conversations: new ConversationLog(
      new SqliteMessageStore(db),
      new SqliteUserStore(db),
      groupStore,
      friendStore,
      systemClock,
    ),
  };

  let grpc: RunningGrpcServer;
  try {
    grpc = await startGrpcServer({
      host: config.grpcHost,
      port: config.grpcPort,
      services: [...repoServices(useCases), seedRegistration(new Seeder(new SqliteSeedStore(db), systemClock))],
      logger,
    });
  } catch (err) {
    redis.disconnect();
    db.close();
    throw err;
  }

  // Presence answers only while Redis does; health says so, the other services keep serving.
  const presenceName = serviceNameOf(PresenceServiceService);
  redis.on('ready', () => grpc.setStatus(presenceName, true));
  redis.on('close', () => grpc.setStatus(presenceName, false));

  let closing: Promise<void> | undefined;
  return {
    grpc,
    shutdown: () => {
      closing ??= (async () => {
        await grpc.shutdown(5000);
        await redis.quit().catch(() => redis.disconnect());
        db.close();
      })();
      return closing;
    },
  };
}
