// The Supervisor as the console and the Electron main process use it, in-process, over real services.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isProcessAlive, waitForProcessExit } from './processes';
import { Supervisor } from './supervisor';
import type { ServiceStatus } from './status';
import { tempDataDir } from '../test-support/running-appliance';

describe('Supervisor control of one service', () => {
  const supervisor = new Supervisor({ dataDir: tempDataDir(), infra: 'embedded', gateways: 1 });
  const transitions: string[] = [];

  before(async () => {
    await supervisor.startAll();
    supervisor.onStatus((status) => transitions.push(`${status.name}:${status.state}`));
  });
  after(async () => {
    await supervisor.shutdown();
  });

  const statusOf = (name: string): ServiceStatus => {
    const status = supervisor.services().find((service) => service.name === name);
    assert.ok(status, `${name} is listed`);
    return status;
  };

  test('lists infra and services with addresses, and keeps each service log', () => {
    const names = supervisor.services().map((service) => `${service.kind}:${service.name}`);
    assert.deepEqual(names, [
      'infra:kafka',
      'infra:redis',
      'service:im-repo',
      'service:im-logic',
      'service:gw-1',
      'service:im-task',
    ]);
    assert.match(statusOf('gw-1').addresses.http ?? '', /^127\.0\.0\.1:\d+$/);
    assert.ok(supervisor.logs('im-repo').some((line) => line.msg === 'ready' && line.level === 'info'));
    assert.ok(supervisor.logs('kafka').length > 0 || supervisor.logs('redis').length > 0, 'infra lines are kept too');
  });

  test('stop, start and restart change the process and report each state', async () => {
    const firstPid = statusOf('im-task').pid as number;
    await supervisor.stop('im-task');
    assert.equal(statusOf('im-task').state, 'stopped');
    assert.equal(statusOf('im-task').pid, null);
    assert.ok(await waitForProcessExit(firstPid, 5000));

    await supervisor.start('im-task');
    const secondPid = statusOf('im-task').pid as number;
    assert.equal(statusOf('im-task').state, 'running');
    assert.equal(statusOf('im-task').health, 'serving');
    assert.ok(secondPid !== firstPid && isProcessAlive(secondPid));

    await supervisor.restart('im-task');
    assert.notEqual(statusOf('im-task').pid, secondPid);
    assert.equal(statusOf('im-task').restarts, 0, 'restarts on request are not crashes');
    assert.deepEqual(
      transitions.filter((t) => t.startsWith('im-task:')),
      [
        'im-task:stopping',
        'im-task:stopped',
        'im-task:starting',
        'im-task:running',
        'im-task:stopping',
        'im-task:stopped',
        'im-task:starting',
        'im-task:running',
      ],
    );
  });

  test('unknown names and infrastructure are refused with a clear message', async () => {
    await assert.rejects(
      supervisor.stop('im-nothing'),
      /no service "im-nothing"; services: im-repo, im-logic, gw-1, im-task/,
    );
    await assert.rejects(supervisor.restart('kafka'), /kafka is infrastructure/);
    await assert.rejects(supervisor.startAll(), /runs once per Supervisor/);
  });

  test('chaos: redis-server is paused, resumed and killed (and restarted); the in-process broker is refused', async () => {
    const redisPid = statusOf('redis').pid as number;
    if (redisPid === process.pid) return; // the embedded RESP server (no redis-server installed): nothing to signal
    await supervisor.chaos('redis', 'pause');
    assert.equal(statusOf('redis').paused, true);
    await supervisor.chaos('redis', 'resume');
    assert.equal(statusOf('redis').paused, undefined);
    const restarted = new Promise<void>((resolve) =>
      supervisor.onStatus((status) => {
        if (status.name === 'redis' && status.pid !== redisPid) resolve();
      }),
    );
    await supervisor.chaos('redis', 'kill');
    await restarted;
    assert.ok(await waitForProcessExit(redisPid, 5000), 'the killed redis-server is gone');
    assert.ok(isProcessAlive(statusOf('redis').pid as number), 'and another one runs in its place');
    await assert.rejects(supervisor.chaos('kafka', 'kill'), /kafka runs inside the supervisor process/);
    await assert.rejects(supervisor.chaos('im-nothing', 'pause'), /no service "im-nothing"/);
  });

  test('chaos: consumer latency is set inside the running im-task, shown in its status, and gone after a restart', async () => {
    const applied = await supervisor.consumerLatency('im-task', 250);
    assert.deepEqual(applied, { ms: 250, groups: ['im-task'] });
    assert.equal(statusOf('im-task').consumerLatencyMs, 250);
    const said = supervisor.logs('im-task').find((line) => line.msg === 'chaos: consumer latency set');
    assert.ok(said, 'im-task itself logged the latency it now applies');
    assert.match(said.raw, /"latencyMs":250/);

    await assert.rejects(supervisor.consumerLatency('im-repo', 100), /im-repo runs no Kafka consumer/);
    assert.equal(statusOf('im-repo').consumerLatencyMs, undefined);
    await assert.rejects(supervisor.consumerLatency('im-task', -5), /integer from 0 to 30000 ms, got -5/);
    await assert.rejects(supervisor.consumerLatency('kafka', 100), /kafka is infrastructure/);
    await assert.rejects(supervisor.consumerLatency('im-nothing', 100), /no service "im-nothing"/);

    await supervisor.consumerLatency('im-task', 0);
    assert.equal(statusOf('im-task').consumerLatencyMs, undefined, 'cleared explicitly');
    await supervisor.consumerLatency('im-task', 400);
    await supervisor.restart('im-task');
    assert.equal(statusOf('im-task').consumerLatencyMs, undefined, 'a restarted process starts without it');
  });
});
