// im-repo: the only service that touches storage (SQLite for users, groups, messages; Redis for presence).
import { runService } from '../../lib/service-main';
import { startRepo } from './app';
import { readRepoConfig } from './config';

await runService({
  service: 'im-repo',
  start: async ({ env, logger }) => {
    const config = readRepoConfig(env);
    const repo = await startRepo(config, logger);
    logger.info(
      { sqlitePath: config.sqlitePath, sqliteSync: config.sqliteSync, redisUrl: config.redisUrl },
      'storage opened',
    );
    return { ready: { grpcAddress: repo.grpc.address }, shutdown: () => repo.shutdown() };
  },
});
