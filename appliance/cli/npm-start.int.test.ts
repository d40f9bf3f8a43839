// `npm start` where no window can open (no Electron binary or no display, as in CI): the appliance runs
// headless, says why, prints the console URL, and stops cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readApplianceRecord, dataDirLayout } from '../supervisor/data-dir';
import { LineSplitter } from '../supervisor/log-lines';
import { waitForProcessExit } from '../supervisor/processes';
import { PROJECT_ROOT, tempDataDir } from '../test-support/running-appliance';

test('npm start without a usable window runs headless and explains why', async () => {
  const dataDir = tempDataDir();
  const env = { ...process.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  // With no external Kafka named and no container runtime here, `auto` settles on the embedded infrastructure.
  delete env.KAFKA_BROKERS;
  delete env.REDIS_URL;
  const child = spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, 'scripts', 'start.mjs'),
      '--data-dir',
      dataDir,
      '--admin-port',
      '0',
      '--no-seed',
      '--no-console-build',
    ],
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const splitter = new LineSplitter();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const opened = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no console URL within 240 s:\n${lines.join('\n')}`)), 240_000);
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        lines.push(line);
        const match =
          /^start: open (http:\/\/127\.0\.0\.1:\d+\/\S*) in a browser for the console \(no window: (.+)\)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    void exited.then(() => reject(new Error(`npm start exited early:\n${lines.join('\n')}`)));
  });
  try {
    const url = await opened;
    assert.ok(lines.some((line) => /^start: no desktop window: .+\. Starting the appliance headless/.test(line)));
    assert.ok(lines.some((line) => line.startsWith(`ready: console ${url}`)));
    const record = readApplianceRecord(dataDirLayout(dataDir));
    assert.ok(
      lines.some((line) => /gochat up --infra auto/.test(line)),
      'npm start lets the supervisor choose',
    );
    assert.equal(record?.infra.kind, 'embedded');
    const pids = (record?.services ?? []).map((service) => service.pid).filter((pid): pid is number => pid !== null);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of pids) assert.ok(await waitForProcessExit(pid, 5000), `pid ${pid} is gone`);
  } finally {
    child.kill('SIGKILL');
  }
});
