// The short gochat commands, run as the real CLI against data dirs laid out as the supervisor leaves them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';
import { dataDirLayout, writeApplianceRecord, type ApplianceRecord } from '../supervisor/data-dir';
import { isProcessAlive, waitForProcessExit } from '../supervisor/processes';
import { GOCHAT_BIN, PROJECT_ROOT, runGochat, tempDataDir, type GochatResult } from '../test-support/running-appliance';

function gochatDataDir(): string {
  const dir = tempDataDir();
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'token-secret'), 'x'.repeat(64));
  return dir;
}

function record(dataDir: string, supervisorPid: number, services: ApplianceRecord['services']): ApplianceRecord {
  return {
    version: 1,
    supervisorPid,
    startedAt: new Date().toISOString(),
    running: true,
    dataDir,
    infra: { kind: 'embedded', reason: 'test', kafkaBrokers: '', redisUrl: '', components: [] },
    admin: null,
    consoleUrl: null,
    services,
  };
}

describe('gochat reset', () => {
  test('refuses without --yes when it cannot ask, and deletes with it', async () => {
    const dir = gochatDataDir();
    const refused = await runGochat(['reset', '--data-dir', dir]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /refusing to delete .* without --yes \(not on a terminal/);
    assert.ok(existsSync(dir));
    const done = await runGochat(['reset', '--yes', '--data-dir', dir]);
    assert.equal(done.status, 0, done.stderr);
    assert.ok(!existsSync(dir));
    const again = await runGochat(['reset', '--yes', '--data-dir', dir]);
    assert.match(again.stdout, /nothing to reset/);
  });

  test('on a terminal it asks, and deletes only on yes', async (t) => {
    // `script` (util-linux) gives the command a pseudo-terminal, as a person's shell would.
    const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
    if (!hasScript) {
      if (process.env.CI === 'true') assert.fail('`script` (util-linux) is needed in CI to test the reset prompt');
      t.skip('`script` (util-linux) is not installed; the terminal prompt is not exercised');
      return;
    }
    const dir = gochatDataDir();
    const onTerminal = (answer: string): Promise<GochatResult> =>
      new Promise((resolve) => {
        const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(GOCHAT_BIN)} reset --data-dir ${JSON.stringify(dir)}`;
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          cwd: PROJECT_ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          // Answer once the question is on the screen.
          if (stdout.includes('[y/N]') && child.stdin.writable) child.stdin.end(`${answer}\n`);
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr: '' });
        });
      });
    const no = await onTerminal('n');
    assert.match(no.stdout, /Delete .* \(users, messages, Kafka log, Redis dump, logs\)\? \[y\/N\]/);
    assert.match(no.stdout, /nothing deleted/);
    assert.ok(existsSync(dir));
    const yes = await onTerminal('y');
    assert.equal(yes.status, 0, yes.stdout);
    assert.match(yes.stdout, /reset done/);
    assert.ok(!existsSync(dir));
  });

  test('refuses a folder that is not a gochat data dir, and a running appliance', async () => {
    const foreign = tempDataDir();
    writeFileSync(join(foreign, 'thesis.tex'), 'precious');
    const refused = await runGochat(['reset', '--yes', '--data-dir', foreign]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /does not look like a gochat data dir/);
    assert.ok(existsSync(join(foreign, 'thesis.tex')));

    const running = gochatDataDir();
    // This test process stands in for a live supervisor holding the lock.
    writeFileSync(dataDirLayout(running).lockFile, JSON.stringify({ pid: process.pid }));
    const busy = await runGochat(['reset', '--yes', '--data-dir', running]);
    assert.equal(busy.status, 1);
    assert.match(
      busy.stderr,
      new RegExp(`gochat is running on .* \\(pid ${process.pid}\\); run \`gochat down\` first`),
    );
  });
});

describe('gochat logs', () => {
  test('prints recent lines readably, raw with --json, and names the logs there are', async () => {
    const dir = gochatDataDir();
    const lines = [
      {
        level: 'info',
        time: Date.UTC(2026, 0, 1, 10, 0, 0, 5),
        service: 'im-gateway',
        instance: 'gw-1',
        msg: 'consumer joined its group',
      },
      {
        level: 'info',
        time: Date.UTC(2026, 0, 1, 10, 0, 1, 0),
        service: 'im-gateway',
        instance: 'gw-1',
        grpcAddress: '127.0.0.1:1',
        msg: 'ready',
      },
    ].map((line) => JSON.stringify(line));
    writeFileSync(join(dir, 'logs', 'gw-1.log'), `${lines.join('\n')}\n`);

    const readable = await runGochat(['logs', 'gw-1', '--data-dir', dir]);
    assert.equal(readable.status, 0, readable.stderr);
    assert.deepEqual(readable.stdout.trim().split('\n'), [
      '10:00:00.005 INFO  consumer joined its group',
      '10:00:01.000 INFO  ready {"grpcAddress":"127.0.0.1:1"}',
    ]);
    const raw = await runGochat(['logs', 'gw-1', '-n', '1', '--json', '--data-dir', dir]);
    assert.equal(raw.stdout.trim(), lines[1]);
    const unknown = await runGochat(['logs', 'gw-9', '--data-dir', dir]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no log for "gw-9" .*; logs: gw-1/);
    const sneaky = await runGochat(['logs', '../../etc/passwd', '--data-dir', dir]);
    assert.equal(sneaky.status, 1);
    assert.match(sneaky.stderr, /is not a process name/);
  });

  test('-f prints lines as they are appended until Ctrl-C', async () => {
    const dir = gochatDataDir();
    const file = join(dir, 'logs', 'im-task.log');
    writeFileSync(file, `${JSON.stringify({ level: 'info', time: 1, msg: 'before' })}\n`);
    const follower = spawn(process.execPath, [GOCHAT_BIN, 'logs', 'im-task', '-f', '--data-dir', dir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`"${text}" not printed; got:\n${out}`)), 30_000);
        const check = (): void => {
          if (!out.includes(text)) return;
          clearTimeout(timer);
          follower.stdout.off('data', check);
          resolve();
        };
        follower.stdout.on('data', check);
        check();
      });
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.on('exit', (code) => resolve(code)));
    try {
      await seen('INFO  before');
      appendFileSync(file, `${JSON.stringify({ level: 'error', time: 2, msg: 'appended later' })}\n`);
      await seen('ERROR appended later');
      follower.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      follower.kill('SIGKILL');
    }
  });
});

describe('gochat status and down when nothing runs', () => {
  test('status says not running; down cleans up children a killed supervisor left behind', async () => {
    const dir = gochatDataDir();
    const status = await runGochat(['status', '--data-dir', dir]);
    assert.equal(status.status, 1);
    assert.match(status.stdout, /gochat is not running on/);

    // A process whose command line looks like a service, as an orphan of a supervisor killed with SIGKILL.
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'services/im-task/main.ts'], {
      stdio: 'ignore',
    });
    const pid = orphan.pid as number;
    const deadSupervisor = spawn(process.execPath, ['-e', '']);
    assert.ok(await waitForProcessExit(deadSupervisor.pid as number, 10_000));
    writeApplianceRecord(
      dataDirLayout(dir),
      record(dir, deadSupervisor.pid as number, [
        {
          name: 'im-task',
          kind: 'service',
          state: 'running',
          health: 'serving',
          pid,
          port: 1,
          addresses: {},
          startedAtMs: 1,
          restarts: 0,
        },
      ]),
    );
    try {
      assert.ok(isProcessAlive(pid));
      const down = await runGochat(['down', '--data-dir', dir]);
      assert.equal(down.status, 0, down.stderr);
      assert.match(down.stdout, new RegExp(`stopping leftover im-task \\(pid ${pid}\\)`));
      assert.ok(await waitForProcessExit(pid, 10_000), 'the orphan is gone');
    } finally {
      orphan.kill('SIGKILL');
    }
  });
});

describe('gochat broker', () => {
  test('runs the embedded broker alone until SIGTERM; Kafka clients attach to it', async () => {
    const dataDir = tempDataDir();
    const broker = spawn(process.execPath, [GOCHAT_BIN, 'broker', '--port', '0', '--data-dir', dataDir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => broker.on('exit', (code) => resolve(code)));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s: ${out}`)), 60_000);
        broker.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /kafka broker listening on (127\.0\.0\.1:\d+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
      });
      const admin = new Kafka({
        clientId: 'gochat-broker-test',
        brokers: [address],
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'broker-command-test', numPartitions: 2 }] });
      assert.ok((await admin.listTopics()).includes('broker-command-test'));
      await admin.disconnect();
      broker.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      broker.kill('SIGKILL');
    }
  });

  test('missing options are named', async () => {
    const result = await runGochat(['broker', '--port', '0']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /required option '--data-dir <dir>' not specified/);
  });
});
