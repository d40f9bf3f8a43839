// The process contract at its edge: a gateway started with a bad environment exits at once (code 2) with a line
// naming the variable, instead of starting half-configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

function run(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'services/im-gateway/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, output: `${res.stdout}${res.stderr}` };
}

const good = {
  GATEWAY_ID: 'gw-1',
  KAFKA_BROKERS: '127.0.0.1:9092',
  LOGIC_ADDR: '127.0.0.1:7001',
  REPO_ADDR: '127.0.0.1:7002',
};

test('a missing LOGIC_ADDR is named', () => {
  const { LOGIC_ADDR: _omit, ...env } = good;
  const { code, output } = run(env);
  assert.equal(code, 2);
  assert.match(output, /LOGIC_ADDR: is required/);
});

test('a bad HTTP_PORT and a bad GATEWAY_ID are named', () => {
  let r = run({ ...good, HTTP_PORT: 'eighty' });
  assert.equal(r.code, 2);
  assert.match(r.output, /HTTP_PORT: must be an integer/);
  r = run({ ...good, GATEWAY_ID: 'gw 1/evil' });
  assert.equal(r.code, 2);
  assert.match(r.output, /GATEWAY_ID: must be 1-64 characters/);
});
