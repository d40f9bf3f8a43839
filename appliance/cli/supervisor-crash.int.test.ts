// A supervisor killed with SIGKILL takes its children with it (the orphan guard), and `gochat up` again on the
// same data dir serves every address it served before: the gateways, Kafka, Redis and the console.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPort } from '../supervisor/infra-health';
import { waitForProcessExit } from '../supervisor/processes';
import { RunningAppliance, tempDataDir } from '../test-support/running-appliance';

const READY = /^ready: console http:\/\/127\.0\.0\.1:\d+\//;
const ARGS = ['--infra', 'embedded', '--gateways', '2', '--no-console-build', '--no-seed'];

function addressesOf(appliance: RunningAppliance): Record<string, string> {
  const record = appliance.record();
  const out: Record<string, string> = { admin: String(record.admin?.port) };
  for (const service of record.services) {
    for (const [kind, address] of Object.entries(service.addresses)) {
      out[`${service.name} ${kind}`] = String(hostPort(address)?.port);
    }
  }
  return out;
}

describe('gochat up after its supervisor was killed with SIGKILL', () => {
  const dataDir = tempDataDir();
  const started: RunningAppliance[] = [];
  after(() => {
    for (const appliance of started) appliance.kill();
    // a supervisor that did not get to stop its children: the orphan guard must have, but never leave any
    for (const appliance of started) {
      for (const pid of pidsOf(appliance)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
  });

  function pidsOf(appliance: RunningAppliance): number[] {
    try {
      const record = appliance.record();
      return [
        ...record.services.map((service) => service.pid),
        ...record.infra.components.map((component) => component.pid),
      ].filter((pid): pid is number => pid !== null && pid !== record.supervisorPid);
    } catch {
      return [];
    }
  }

  test('no process is left behind, and the restart serves the same addresses', { timeout: 600_000 }, async () => {
    const first = RunningAppliance.start(ARGS, dataDir);
    started.push(first);
    await first.waitForLine(READY, 240_000);
    const before = addressesOf(first);
    const record = first.record();
    const children = pidsOf(first);
    // im-repo, im-logic, two gateways, im-task, redis-server (when installed)
    assert.ok(children.length >= 5, `children recorded: ${children.join(', ')}`);

    process.kill(record.supervisorPid, 'SIGKILL');
    await first.exit();
    for (const pid of children) {
      assert.ok(await waitForProcessExit(pid, 5000), `child pid ${pid} is gone within 5 s of the supervisor`);
    }

    const second = RunningAppliance.start(ARGS, dataDir);
    started.push(second);
    await second.waitForLine(READY, 240_000);
    const after = addressesOf(second);
    // --admin-port 0 ("any free port") prefers the previous run's port too
    assert.deepEqual(after, before);
    assert.ok(!second.output.some((line) => /left over from a previous run/.test(line)), second.output.join('\n'));
    const down = second.record();
    process.kill(down.supervisorPid, 'SIGTERM');
    assert.equal(await second.exit(), 0);
  });
});
