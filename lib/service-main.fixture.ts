// A minimal service for service-main.int.test.ts; FIXTURE_MODE picks its behaviour.
import { runService } from './service-main';

const mode = process.env.FIXTURE_MODE ?? 'normal';

await runService({
  service: 'fixture',
  start: async ({ env, logger }) => {
    logger.info('starting');
    if (mode === 'fail') throw new Error('cannot open the thing');
    if (mode === 'config') env.int('FIXTURE_PORT', { min: 1 });
    if (mode === 'slow-start') await new Promise((resolve) => setTimeout(resolve, 500));
    if (mode === 'rejection') void Promise.reject(new Error('forgotten promise'));
    // Stands in for a listening server: without it the process would simply end after "ready".
    const keepAlive = setInterval(() => undefined, 60_000);
    return {
      ready: { grpcAddress: '127.0.0.1:1' },
      shutdown: async () => {
        clearInterval(keepAlive);
        logger.info('fixture shutdown called');
      },
    };
  },
});
