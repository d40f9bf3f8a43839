// The scenario CLI end to end: every shipped scenario passes through `gochat scenario run` against a running
// appliance; a wrong expectation fails naming actor, step, expected and seen; with no appliance running the CLI
// starts one and stops it; bad files are refused with file:line before anything runs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dataDirLayout, lockHolder, readApplianceRecord } from '../supervisor/data-dir';
import { isProcessAlive } from '../supervisor/processes';
import { GOCHAT_BIN, PROJECT_ROOT, RunningAppliance, tempDataDir } from '../test-support/running-appliance';

function gochat(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GOCHAT_BIN, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A bound so a hung run fails the test instead of the suite; generous for a loaded CI machine.
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The run's appliance is gone: no lock holder, and none of its processes alive. */
function assertStopped(dataDir: string): void {
  const layout = dataDirLayout(dataDir);
  assert.equal(lockHolder(layout), undefined, 'the appliance started for the run still holds its data dir');
  const record = readApplianceRecord(layout);
  assert.ok(record, 'the run started an appliance in the data dir');
  assert.equal(isProcessAlive(record.supervisorPid), false);
  for (const service of record.services)
    if (service.pid) assert.equal(isProcessAlive(service.pid), false, `${service.name} left running`);
}

const SHIPPED = readdirSync(join(PROJECT_ROOT, 'scenarios'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => join('scenarios', name));

let appliance: RunningAppliance;

before(async () => {
  appliance = RunningAppliance.start(['--infra', 'embedded', '--gateways', '2', '--no-seed', '--no-console-build']);
  await appliance.waitForLine(/^ready: /, 300_000);
});

after(async () => {
  appliance.child.kill('SIGTERM');
  await appliance.exit().catch(() => appliance.kill());
});

test('every shipped scenario passes through the CLI', { timeout: 900_000 }, async () => {
  assert.ok(SHIPPED.length >= 7, `shipped scenarios: ${SHIPPED.join(', ')}`);
  const junit = join(tempDataDir(), 'junit.xml');
  const run = await gochat(['scenario', 'run', ...SHIPPED, '--appliance', appliance.layout.root, '--junit', junit]);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /using the appliance running on /);
  for (const file of SHIPPED) assert.ok(run.stdout.includes(`PASSED`) && run.stdout.includes(`(${file}): `), file);
  assert.equal(run.stdout.match(/^PASSED /gm)?.length, SHIPPED.length, run.stdout);
  assert.match(run.stdout, new RegExp(`${SHIPPED.length} of ${SHIPPED.length} scenarios passed`));
  const xml = readFileSync(junit, 'utf8');
  assert.equal(xml.match(/<testsuite /g)?.length, SHIPPED.length);
  assert.doesNotMatch(xml, /<failure/);
});

test(
  'a wrong expectation fails the run, naming the actor, the step, the expected and the seen',
  { timeout: 900_000 },
  async () => {
    const dir = tempDataDir();
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      [
        'scenario: wrong receipt',
        'actors: { alice: {}, bob: {} }',
        'setup: { friends: [[alice, bob]] }',
        'steps:',
        '  - connect: [alice, bob]',
        '  - send: { from: alice, to: bob, body: "one" }',
        '  - expect: { actor: bob, message: { from: alice, body: "two" }, within: 1s }',
        '  - send: { from: alice, to: bob, body: "never sent" }',
        '',
      ].join('\n'),
    );
    const junit = join(dir, 'junit.xml');
    const run = await gochat(['scenario', 'run', file, '--appliance', appliance.layout.root, '--junit', junit]);
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✗ 3 +line 7 +bob receives a message from alice "two"/);
    assert.match(run.stdout, /actor: +bob\n/);
    assert.match(run.stdout, /expected: bob receives a message from alice "two" within 1000 ms/);
    assert.match(run.stdout, /seen: +message from alice in p2p:\S+ seq 1 "one"/);
    assert.match(run.stdout, /- 4 +line 8 +send alice -> bob "never sent"/);
    assert.match(run.stdout, /FAILED wrong receipt .*: 4 passed, 1 failed, 1 skipped/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(
      xml,
      /<failure message="bob: expected bob receives a message from alice &quot;two&quot; within 1000 ms; seen message from alice/,
    );
    assert.match(xml, /<skipped\/>/);
  },
);

test('with no appliance running, the CLI starts one for the run and stops it after', { timeout: 900_000 }, async () => {
  const dataDir = tempDataDir();
  const run = await gochat(['scenario', 'run', 'scenarios/read-receipt.yaml', '--appliance', dataDir]);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /starting an appliance in /);
  assert.match(run.stdout, /PASSED read receipt/);
  assertStopped(dataDir);
});

test('scenario check refuses a bad file with file:line, and runs nothing', async () => {
  const dataDir = tempDataDir();
  const file = join(dataDir, 'bad.yaml');
  writeFileSync(
    file,
    'scenario: bad\nactors: { alice: {} }\nsteps:\n  - connect: alice\n  - send: { from: bob, to: alice }\n',
  );
  const check = await gochat(['scenario', 'check', file]);
  assert.equal(check.status, 1);
  assert.ok(check.stderr.includes(`${file}:5:`), check.stderr);
  assert.match(check.stderr, /unknown actor "bob"; actors: alice/);
  const run = await gochat(['scenario', 'run', file, '--appliance', dataDir]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /unknown actor "bob"/);
  assert.equal(readApplianceRecord(dataDirLayout(dataDir)), undefined, 'no appliance was started for a bad file');
  const good = await gochat(['scenario', 'check', ...SHIPPED]);
  assert.equal(good.status, 0, good.stderr);
});
