// Where redis-server is missing, im-repo keeps presence in the embedded RESP server: the whole appliance on it,
// forced with GOCHAT_EMBEDDED_REDIS=resp so the path is exercised on machines that have redis-server too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, exchangeMessage } from '../test-support/chat-client';
import { RunningAppliance, runGochat, tempDataDir } from '../test-support/running-appliance';

test('the appliance runs and chats with the embedded RESP server as its Redis', async () => {
  const appliance = RunningAppliance.start(['--infra', 'embedded', '--no-console-build'], tempDataDir(), {
    ...process.env,
    GOCHAT_EMBEDDED_REDIS: 'resp',
  });
  const clients: ChatClient[] = [];
  try {
    await appliance.waitForLine(/^ready: console /, 240_000);
    assert.ok(
      appliance.output.includes('infra: using the embedded RESP server as asked (presence kept in memory only)'),
    );
    const redis = appliance.record().infra.components.find((component) => component.name === 'redis');
    assert.match(redis?.description ?? '', /^embedded RESP server, in-process/);
    const gateway = appliance.gatewayHttpUrl();
    const carol = await ChatClient.login(gateway, 'carol', 'password123');
    const bob = await ChatClient.login(gateway, 'bob', 'password123');
    clients.push(carol, bob);
    const { delivered } = await exchangeMessage(carol, bob, 'presence lives in the RESP server');
    assert.equal((delivered.message as { body: string }).body, 'presence lives in the RESP server');
    for (const client of clients) client.close();
    const down = await runGochat(['down', '--data-dir', appliance.layout.root]);
    assert.equal(down.status, 0, down.stderr);
    assert.equal(await appliance.exit(), 0);
  } finally {
    for (const client of clients) client.close();
    appliance.kill();
  }
});
