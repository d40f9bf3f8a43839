// The broker as a process: one "listening" line on stdout, a clean stop on SIGTERM, and usage errors named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseBrokerArgs } from './cli';
import { LiveProcess, run } from './test-support/processes';
import { RawKafkaClient } from './test-support/raw-client';
import { makeTempDir } from './test-support/temp-dir';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

test('main.ts prints exactly one listening line and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('cli');
  const proc = new LiveProcess(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dir.path]);
  try {
    const [, port] = await proc.waitFor(
      /kafka broker listening on 127\.0\.0\.1:(\d+) \(data dir (.+)\)\n/,
      30_000,
      'stdout',
    );
    const client = await RawKafkaClient.connect(Number(port));
    const r = await client.request(18, 0, () => undefined);
    assert.equal(r.int16(), 0);
    client.close();
    assert.equal(await proc.stop('SIGTERM'), 0);
    assert.equal(proc.stdout, `kafka broker listening on 127.0.0.1:${port} (data dir ${dir.path})\n`);
  } finally {
    await proc.stop('SIGKILL');
    dir.remove();
  }
});

test('bad arguments are named and exit with status 2', async () => {
  assert.throws(() => parseBrokerArgs(['--data-dir', '/tmp/x']), /--port is required/);
  assert.throws(() => parseBrokerArgs(['--port', 'abc', '--data-dir', '/tmp/x']), /--port must be an integer/);
  assert.throws(() => parseBrokerArgs(['--port', '0', '--verbose']), /unknown argument "--verbose"/);
  assert.deepEqual(parseBrokerArgs(['--port', '0', '--data-dir', '/d', '--host', '0.0.0.0']), {
    host: '0.0.0.0',
    port: 0,
    dataDir: '/d',
  });
  const res = await run(
    process.execPath,
    ['--import', 'tsx', MAIN, '--port', '99999', '--data-dir', '/tmp/unused'],
    null,
    30_000,
  );
  assert.equal(res.code, 2);
  assert.match(res.stderr, /--port must be an integer 0-65535, got "99999"/);
});
