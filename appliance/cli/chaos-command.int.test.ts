// gochat chaos, run as the real CLI against a real appliance API (over an in-memory supervisor) found through the
// data dir's appliance.json, as a running `gochat up` leaves it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApplianceApi, type ApplianceApi } from '../api/appliance-api';
import { FakeControl, FakeKafka } from '../api/test-support';
import { acquireLock, dataDirLayout, writeApplianceRecord, type ApplianceRecord } from '../supervisor/data-dir';
import { runGochat, tempDataDir } from '../test-support/running-appliance';

let api: ApplianceApi;
const control = new FakeControl(['im-repo', 'im-logic']);
const dataDir = tempDataDir();

function writeRecord(): void {
  const record: ApplianceRecord = {
    version: 1,
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
    running: true,
    dataDir,
    infra: { kind: 'embedded', reason: 'test', kafkaBrokers: '', redisUrl: '', components: [] },
    admin: null,
    consoleUrl: api.consoleUrl,
    services: control.services(),
  };
  writeApplianceRecord(dataDirLayout(dataDir), record);
}

before(async () => {
  api = await startApplianceApi({ control, kafka: new FakeKafka(), port: 0, rendererDir: () => null });
  writeRecord();
});
after(async () => {
  await api.close();
});

test('sets and clears consumer latency, pauses and resumes, through the running appliance API', async () => {
  const set = await runGochat(['chaos', 'im-logic', 'latency', '300', '--data-dir', dataDir]);
  assert.equal(set.status, 0, set.stderr);
  assert.equal(
    set.stdout,
    'im-logic: each batch of im-logic now waits 300 ms (until cleared with 0 or the process restarts)\n',
  );
  const cleared = await runGochat(['chaos', 'im-logic', 'latency', '0', '--data-dir', dataDir]);
  assert.equal(cleared.stdout, 'im-logic: consumer latency cleared\n');
  assert.equal((await runGochat(['chaos', 'im-repo', 'pause', '--data-dir', dataDir])).status, 0);
  assert.equal((await runGochat(['chaos', 'im-repo', 'resume', '--data-dir', dataDir])).status, 0);
  assert.deepEqual(control.calls, ['latency im-logic 300', 'latency im-logic 0', 'pause im-repo', 'resume im-repo']);
});

test('gochat status names the chaos in effect on each service', async () => {
  await control.consumerLatency('im-logic', 250);
  await control.chaos('im-repo', 'pause');
  writeRecord(); // as the supervisor does on every status change
  const unlock = acquireLock(dataDirLayout(dataDir)); // this test process stands for the running supervisor
  try {
    const status = await runGochat(['status', '--data-dir', dataDir]);
    assert.match(status.stdout, /im-logic .* \(chaos: consumer latency 250 ms\)\n/);
    assert.match(status.stdout, /im-repo .* \(chaos: paused\)\n/);
  } finally {
    unlock();
    await control.chaos('im-repo', 'resume');
    await control.consumerLatency('im-logic', 0);
  }
});

test('bad input is one clear line and a non-zero exit', async () => {
  const unknown = await runGochat(['chaos', 'im-nothing', 'kill', '--data-dir', dataDir]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^im-nothing: no service "im-nothing"; services: im-repo, im-logic\n$/);
  const noMs = await runGochat(['chaos', 'im-logic', 'latency', '--data-dir', dataDir]);
  assert.equal(noMs.status, 2);
  assert.match(noMs.stderr, /latency needs the milliseconds/);
  const badAction = await runGochat(['chaos', 'im-logic', 'explode', '--data-dir', dataDir]);
  assert.notEqual(badAction.status, 0);
  assert.match(badAction.stderr, /Allowed choices are kill, pause, resume, latency/);
  const notRunning = await runGochat(['chaos', 'im-logic', 'kill', '--data-dir', tempDataDir()]);
  assert.equal(notRunning.status, 1);
  assert.match(notRunning.stderr, /gochat is not running with its console on .* \(start it with gochat up\)/);
  assert.ok(!control.calls.some((c) => c.startsWith('kill')), 'nothing was killed');
});
