// Ctrl-C while `gochat up` is still starting: whatever had started is stopped, the lock is released, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { childPidsOf, waitForProcessExit } from '../supervisor/processes';
import { RunningAppliance } from '../test-support/running-appliance';

test('SIGINT during startup stops what started and leaves nothing behind', async () => {
  const appliance = RunningAppliance.start(['--infra', 'embedded', '--no-seed', '--no-console-build']);
  try {
    // im-repo is up and im-logic is starting: the middle of the start sequence.
    await appliance.waitForLine(/^im-repo: ready \(pid \d+/, 120_000);
    await appliance.waitForLine(/^starting im-logic$/, 30_000);
    const record = appliance.record();
    const pids = childPidsOf(record);
    assert.ok(pids.length >= 2, `im-repo and redis-server at least: ${JSON.stringify(record.services)}`);
    appliance.child.kill('SIGINT');
    assert.equal(await appliance.exit(), 0);
    assert.ok(!appliance.output.some((line) => line.startsWith('ready: console')));
    assert.ok(appliance.output.includes('stopped'));
    for (const pid of [...pids, ...childPidsOf(appliance.record())]) {
      assert.ok(await waitForProcessExit(pid, 5000), `pid ${pid} is gone`);
    }
    assert.ok(!existsSync(appliance.layout.lockFile), 'the data dir lock is released');
  } finally {
    appliance.kill();
  }
});
