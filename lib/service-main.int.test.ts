// The shared process lifecycle, seen from outside: log lines and exit codes of a real child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

interface Run {
  lines: { msg: string; level: string; [k: string]: unknown }[];
  exit: Promise<number | null>;
  waitForLine(msg: string): Promise<void>;
  signal(name: NodeJS.Signals): void;
}

function runFixture(mode: string, extraEnv: Record<string, string> = {}): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./service-main.fixture.ts', import.meta.url).pathname],
    {
      env: { ...process.env, FIXTURE_MODE: mode, GOCHAT_INSTANCE_ID: 'fixture-1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Run['lines'] = [];
  const waiters: { msg: string; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Run['lines'][number];
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) waiter.resolve();
  });
  // 'close' comes after the last stdout line has been read; 'exit' may come before it.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    lines,
    exit,
    waitForLine: (msg) =>
      lines.some((l) => l.msg === msg) ? Promise.resolve() : new Promise((resolve) => waiters.push({ msg, resolve })),
    signal: (name) => child.kill(name),
  };
}

const messages = (run: Run) => run.lines.map((l) => l.msg);

test('ready is logged once with its fields; SIGTERM shuts down once and exits 0', async () => {
  const run = runFixture('normal');
  await run.waitForLine('ready');
  const ready = run.lines.find((l) => l.msg === 'ready');
  assert.equal(ready?.grpcAddress, '127.0.0.1:1');
  assert.equal(ready?.service, 'fixture');
  assert.equal(ready?.instance, 'fixture-1');
  run.signal('SIGTERM');
  assert.equal(await run.exit, 0);
  assert.deepEqual(messages(run), ['starting', 'ready', 'shutting down', 'fixture shutdown called', 'stopped']);
});

test('a signal during start shuts down once start has finished, without announcing ready', async () => {
  const run = runFixture('slow-start');
  await run.waitForLine('starting');
  run.signal('SIGINT');
  assert.equal(await run.exit, 0);
  assert.deepEqual(messages(run), ['starting', 'shutting down', 'fixture shutdown called', 'stopped']);
});

test('a start failure is logged as fatal and exits 1; a bad setting exits 2 naming the variable', async () => {
  const failed = runFixture('fail');
  assert.equal(await failed.exit, 1);
  assert.equal(failed.lines.at(-1)?.level, 'fatal');
  assert.equal(failed.lines.at(-1)?.msg, 'failed to start');

  const misconfigured = runFixture('config', { FIXTURE_PORT: 'eighty' });
  assert.equal(await misconfigured.exit, 2);
  assert.equal(misconfigured.lines.at(-1)?.variable, 'FIXTURE_PORT');
  assert.match(String(misconfigured.lines.at(-1)?.msg), /FIXTURE_PORT: must be an integer/);
});

test('an unhandled rejection is logged and the service keeps running', async () => {
  const run = runFixture('rejection');
  await run.waitForLine('unhandled promise rejection');
  await run.waitForLine('ready');
  run.signal('SIGTERM');
  assert.equal(await run.exit, 0);
});
