// A real redis-server on a free port for one test, started the same way the appliance starts it
// (infra/providers), and killed when the test process exits even if the test forgot to stop it.
import { findRedisServerBinary, startRedisServerProcess } from '../../infra/providers/redis-server-process';

export { freePort } from '../../infra/providers/free-port';

const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function redisServerInstalled(): boolean {
  return findRedisServerBinary() !== undefined;
}

/**
 * Why tests that need a real Redis cannot run here, or undefined when they can. With CI=true a missing tool is an
 * error, not a skip: CI must run these tests.
 */
export function missingPrerequisite(): string | undefined {
  if (redisServerInstalled()) return undefined;
  const reason = 'redis-server is not installed (apt-get install redis-server); these tests need a real Redis';
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server without persistence, on a free port or on the given one (to restart it in place). */
export async function startRedis(options: { port?: number } = {}): Promise<RedisProcess> {
  const server = await startRedisServerProcess({ port: options.port });
  live.add(server.pid);
  void server.exited.then(() => live.delete(server.pid));
  return { url: server.url, port: server.port, stop: () => server.stop() };
}
