// `gochat up` from a fresh data dir, driven as a user would: the seeded users chat over a real WebSocket, every
// service is killed and comes back, and `gochat down` leaves no process behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isProcessAlive, waitForProcessExit } from '../supervisor/processes';
import { ChatClient, exchangeMessage } from '../test-support/chat-client';
import { RunningAppliance, runGochat } from '../test-support/running-appliance';

const READY = /^ready: console (http:\/\/127\.0\.0\.1:\d+\/\S*) \(infra: embedded\)$/;
const SERVICES = ['im-repo', 'im-logic', 'gw-1', 'gw-2', 'im-task'];

describe('gochat up --infra embedded --gateways 2', () => {
  let appliance: RunningAppliance;
  let clients: ChatClient[] = [];
  let consoleUrl: URL;

  before(async () => {
    appliance = RunningAppliance.start(['--infra', 'embedded', '--gateways', '2', '--no-console-build']);
    const ready = await appliance.waitForLine(READY, 240_000);
    consoleUrl = new URL(READY.exec(ready.line)?.[1] ?? '');
  });
  after(() => {
    for (const client of clients) client.close();
    appliance?.kill();
  });

  /** Alice on gw-1 and Bob on gw-2, so every message crosses gateways. */
  async function loginAliceAndBob(): Promise<[ChatClient, ChatClient]> {
    for (const client of clients) client.close();
    const alice = await ChatClient.login(appliance.gatewayHttpUrl('gw-1'), 'alice', 'password123');
    const bob = await ChatClient.login(appliance.gatewayHttpUrl('gw-2'), 'bob', 'password123');
    clients = [alice, bob];
    return [alice, bob];
  }

  test('reaches ready, records itself, and serves the console API on the admin port', async () => {
    const record = appliance.record();
    assert.equal(record.running, true);
    assert.equal(record.infra.kind, 'embedded');
    assert.deepEqual(
      record.services.filter((service) => service.kind === 'service').map((service) => service.name),
      SERVICES,
    );
    for (const service of record.services.filter((s) => s.kind === 'service')) {
      assert.equal(service.state, 'running', `${service.name} is running`);
      assert.ok(service.pid !== null && isProcessAlive(service.pid), `${service.name} has a live pid`);
    }
    assert.equal(record.consoleUrl, consoleUrl.href);
    // The console's API on the admin port answers with the per-run token from the printed URL, and only with it.
    const token = consoleUrl.searchParams.get('token') ?? '';
    const services = await fetch(`${consoleUrl.origin}/api/services`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await services.json()) as { services: { name: string; state: string }[] };
    assert.equal(body.services.find((service) => service.name === 'gw-1')?.state, 'running');
    assert.equal((await fetch(`${consoleUrl.origin}/api/services`)).status, 401);
  });

  test('a seeded user logs in over HTTP and messages another, connected to the other gateway, over WebSocket', async () => {
    const [alice, bob] = await loginAliceAndBob();
    const { ack, delivered } = await exchangeMessage(alice, bob, 'hello bob, from the appliance test');
    assert.equal(typeof ack.seq, 'number');
    assert.equal((delivered.message as { body: string }).body, 'hello bob, from the appliance test');
    assert.equal((delivered.message as { senderId: string }).senderId, alice.userId);
  });

  test('status reports every service SERVING; a second up on the same data dir is refused', async () => {
    const status = await runGochat(['status', '--data-dir', appliance.layout.root]);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    for (const name of SERVICES) assert.match(status.stdout, new RegExp(`${name}\\s+SERVING`));
    const second = await runGochat([
      'up',
      '--infra',
      'embedded',
      '--data-dir',
      appliance.layout.root,
      '--admin-port',
      '0',
    ]);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already running on data dir .* \(supervisor pid \d+\)/);
  });

  test('every service killed with SIGKILL is restarted and the flow works again', async () => {
    const before = appliance.record().services.filter((service) => service.kind === 'service');
    const from = appliance.output.length;
    for (const service of before) process.kill(service.pid as number, 'SIGKILL');
    for (const service of before) {
      await appliance.waitForLine(
        new RegExp(`^${service.name}: killed by SIGKILL; restarting in \\d+ ms`),
        30_000,
        from,
      );
      await appliance.waitForLine(new RegExp(`^${service.name}: running again \\(pid \\d+\\)`), 180_000, from);
    }
    const [alice, bob] = await loginAliceAndBob();
    const { delivered } = await exchangeMessage(alice, bob, 'still here after the restarts');
    assert.equal((delivered.message as { body: string }).body, 'still here after the restarts');
    const afterRestart = appliance.record().services.filter((service) => service.kind === 'service');
    for (const service of afterRestart) {
      assert.equal(service.restarts, 1, `${service.name} restarted once`);
      assert.ok(!before.some((old) => old.pid === service.pid), `${service.name} runs under a new pid`);
    }
  });

  test('gochat down stops the supervisor and leaves no process behind', async (t) => {
    const record = appliance.record();
    const pids = [
      record.supervisorPid,
      ...record.services.map((service) => service.pid).filter((pid): pid is number => pid !== null),
      ...record.infra.components.map((component) => component.pid).filter((pid): pid is number => pid !== null),
    ];
    assert.ok(pids.length >= 6);
    for (const client of clients) client.close();
    const down = await runGochat(['down', '--data-dir', appliance.layout.root]);
    assert.equal(down.status, 0, down.stdout + down.stderr);
    assert.equal(await appliance.exit(), 0);
    t.diagnostic(appliance.output.slice(-8).join(' | '));
    for (const pid of pids) assert.ok(await waitForProcessExit(pid, 5000), `pid ${pid} is gone`);
    const status = await runGochat(['status', '--data-dir', appliance.layout.root]);
    assert.equal(status.status, 1);
    assert.match(status.stdout, /not running/);
  });
});
