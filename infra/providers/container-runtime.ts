// Is there a container runtime to run Redpanda and Redis in? Answered quickly: the places testcontainers looks
// are checked on disk first, so a machine with none is told so at once, without loading testcontainers.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { EnvReader } from '../../lib/config';

export type TestcontainersModule = typeof import('testcontainers');

export type RuntimeProbe =
  { available: true; testcontainers: TestcontainersModule; description: string } | { available: false; reason: string };

/** Slow enough for a remote daemon to answer, short enough that a dead DOCKER_HOST does not stall `gochat up`. */
const DETECTION_TIMEOUT_MS = 2000;

/** The sockets and settings testcontainers' own strategies try, in the same order. */
function runtimeHints(env: EnvReader): { found: string | undefined; checked: string[] } {
  const checked: string[] = [];
  const consider = (label: string, present: boolean): string | undefined => {
    checked.push(label);
    return present ? label : undefined;
  };
  const xdgRuntimeDir = env.optionalString('XDG_RUNTIME_DIR');
  const propertiesFile = join(homedir(), '.testcontainers.properties');
  const properties = existsSync(propertiesFile) ? readFileSync(propertiesFile, 'utf8') : '';
  const sockets = [
    '/var/run/docker.sock',
    xdgRuntimeDir !== undefined ? join(xdgRuntimeDir, 'docker.sock') : undefined,
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    join('/run', 'user', String(userInfo().uid), 'docker.sock'),
  ].filter((path): path is string => path !== undefined);
  const found =
    consider('DOCKER_HOST', env.optionalString('DOCKER_HOST') !== undefined) ??
    consider(
      '~/.testcontainers.properties (docker.host / tc.host)',
      /^\s*(docker\.host|tc\.host)\s*=/m.test(properties),
    ) ??
    sockets.map((socket) => consider(socket, existsSync(socket))).find((hit) => hit !== undefined) ??
    (process.platform === 'win32' ? consider('the Docker named pipe', true) : undefined);
  return { found, checked };
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function probeContainerRuntime(env: NodeJS.ProcessEnv = process.env): Promise<RuntimeProbe> {
  const hints = runtimeHints(new EnvReader(env));
  if (hints.found === undefined) {
    return { available: false, reason: `no container runtime found (checked ${hints.checked.join(', ')})` };
  }
  let testcontainers: TestcontainersModule;
  try {
    testcontainers = await import('testcontainers');
  } catch (err) {
    return { available: false, reason: `testcontainers could not be loaded: ${(err as Error).message}` };
  }
  try {
    const client = await withTimeout(
      testcontainers.getContainerRuntimeClient(),
      DETECTION_TIMEOUT_MS,
      `the container runtime at ${hints.found}`,
    );
    const info = client.info.containerRuntime;
    return { available: true, testcontainers, description: `${info.host} via ${hints.found}` };
  } catch (err) {
    return { available: false, reason: `no working container runtime at ${hints.found}: ${(err as Error).message}` };
  }
}
