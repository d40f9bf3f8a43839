// ServiceProcess with stand-in programs in a scratch project root: a real child process, a real gRPC health
// server, and failures on cue, so start errors and the restart backoff can be checked without the services.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../infra/providers/free-port';
import { PROJECT_ROOT, tempDataDir } from '../test-support/running-appliance';
import type { HostProcess } from './node-command';
import { ServiceProcess, ServiceStartError, type RestartNotice } from './service-process';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const grpcLib = pathToFileURL(join(PROJECT_ROOT, 'lib', 'grpc', 'index.ts')).href;
const logLib = pathToFileURL(join(PROJECT_ROOT, 'lib', 'log.ts')).href;

/** A scratch root whose services/im-task/main.ts is the given program. */
function standInRoot(program: string): string {
  const root = tempDataDir();
  mkdirSync(join(root, 'services', 'im-task'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }');
  writeFileSync(join(root, 'services', 'im-task', 'main.ts'), program);
  return root;
}

/** Serves health on GRPC_PORT, logs "ready", and exits with code 3 on its first run only (a marker file remembers). */
const CRASHES_ONCE = `
import { existsSync, writeFileSync } from 'node:fs';
import { startGrpcServer } from '${grpcLib}';
import { createLogger } from '${logLib}';
const logger = createLogger({ service: 'stand-in', instance: 'stand-in' });
const server = await startGrpcServer({ host: '127.0.0.1', port: Number(process.env.GRPC_PORT), services: [], logger });
logger.info({ grpcAddress: server.address }, 'ready');
const marker = process.env.CRASH_MARKER as string;
if (!existsSync(marker)) {
  writeFileSync(marker, 'crashed once');
  // late enough that the supervisor has seen it serving (its health check) even on a loaded machine
  setTimeout(() => process.exit(3), 1500);
}
process.on('SIGTERM', () => process.exit(0));
`;

async function standIn(program: string, env: Record<string, string> = {}, host?: HostProcess): Promise<ServiceProcess> {
  const grpcPort = await freePort();
  return new ServiceProcess(
    { name: 'im-task', program: 'im-task', grpcPort, env: () => ({ GRPC_PORT: String(grpcPort), ...env }) },
    { projectRoot: standInRoot(program), initialBackoffMs: 200, readyTimeoutMs: 60_000, host },
  );
}

/**
 * A stand-in for the Electron binary: like the real one, it runs a script as Node only with ELECTRON_RUN_AS_NODE=1
 * and otherwise would open the desktop app (here: exits 9 saying so).
 */
function fakeElectron(): string {
  const path = join(tempDataDir(), 'electron');
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$ELECTRON_RUN_AS_NODE" != "1" ]; then echo "electron: would open the desktop app" >&2; exit 9; fi\n` +
      `exec "${process.execPath}" "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('ServiceProcess', () => {
  test('a program that exits before "ready" fails the start with its exit and last output', async () => {
    const service = await standIn(`console.error('bad configuration: REPO_ADDR is missing'); process.exit(2);`);
    await assert.rejects(
      service.start(),
      (err: unknown) =>
        err instanceof ServiceStartError &&
        /im-task exited \(code 2\) before it was ready/.test(err.message) &&
        err.message.includes('bad configuration: REPO_ADDR is missing'),
    );
    assert.equal(service.status().state, 'crashed');
    assert.equal(service.status().pid, null);
  });

  test('a crash after start is answered with a restart after the backoff, and counted', async () => {
    const service = await standIn(CRASHES_ONCE, { CRASH_MARKER: join(tempDataDir(), 'crashed') });
    const notices: RestartNotice[] = [];
    service.on('restarting', (notice) => notices.push(notice));
    const runningAgain = new Promise<void>((resolve) =>
      service.on('status', (status) => {
        if (status.state === 'running' && status.restarts === 1) resolve();
      }),
    );
    try {
      await service.start();
      await runningAgain;
      assert.deepEqual(notices, [{ name: 'im-task', reason: 'exited with code 3', delayMs: 200, restarts: 1 }]);
      assert.equal(service.status().health, 'serving');
      assert.equal(service.status().lastExitCode, 3);
    } finally {
      await service.stop();
    }
    assert.equal(service.status().state, 'stopped');
  });

  test('chaos: pause stops the process (SIGSTOP), resume continues it, kill is answered like a crash', async () => {
    const marker = join(tempDataDir(), 'crashed');
    writeFileSync(marker, 'never crash on its own');
    const service = await standIn(CRASHES_ONCE, { CRASH_MARKER: marker });
    const processState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    // a signal is delivered asynchronously: wait for the state to show it
    const settles = async (pid: number, stopped: boolean) => {
      for (let i = 0; i < 100 && (processState(pid) === 'T') !== stopped; i++) await delay(50);
      return processState(pid) === 'T';
    };
    try {
      await service.start();
      const pid = service.pid as number;
      assert.equal(service.signal('pause'), true);
      assert.equal(service.status().paused, true);
      assert.equal(await settles(pid, true), true, 'stopped by SIGSTOP');
      assert.equal(service.signal('resume'), true);
      assert.equal(service.status().paused, undefined);
      assert.equal(await settles(pid, false), false, 'running again after SIGCONT');
      const runningAgain = new Promise<void>((resolve) =>
        service.on('status', (status) => {
          if (status.state === 'running' && status.restarts === 1) resolve();
        }),
      );
      assert.equal(service.signal('kill'), true);
      await runningAgain;
      assert.notEqual(service.pid, pid, 'restarted under a new pid');
      // a paused process still stops promptly on request
      service.signal('pause');
      await service.stop();
      assert.equal(service.status().state, 'stopped');
      assert.equal(service.signal('kill'), false, 'nothing to signal once stopped');
    } finally {
      await service.stop();
    }
  });

  test('under Electron, the service is started by the Electron binary as Node (ELECTRON_RUN_AS_NODE=1)', async () => {
    const marker = join(tempDataDir(), 'crashed');
    writeFileSync(marker, 'never crash on its own');
    const electron: HostProcess = {
      execPath: fakeElectron(),
      versions: { node: '20.0.0', electron: '31.0.0' },
      env: {},
    };
    const service = await standIn(CRASHES_ONCE, { CRASH_MARKER: marker }, electron);
    try {
      await service.start();
      assert.equal(service.status().health, 'serving');
      const cmdline = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(cmdline.includes('--import'), `started with the tsx loader: ${cmdline.join(' ')}`);
      const environ = readFileSync(`/proc/${service.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('ELECTRON_RUN_AS_NODE=1'));
    } finally {
      await service.stop();
    }
  });
});
