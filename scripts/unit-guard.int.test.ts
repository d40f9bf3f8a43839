// The unit suite's promise (no child process) is checked, not trusted: a unit file that spawns one fails there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// run as a fresh test run, not as a file of this one
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

test('a unit test file that starts a child process fails under the unit guard, with what to do about it', () => {
  // the arguments run-tests.mjs gives the unit suite
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './scripts/unit-guard.mjs', '--test', 'scripts/unit-guard.fixture.ts'],
    { cwd: root, encoding: 'utf8', env },
  );
  assert.notEqual(result.status, 0, `the fixture passed:\n${result.stdout}`);
  assert.match(result.stdout, /a unit test started a child process \(child_process\.spawnSync\)/);
  assert.match(result.stdout, /name the file \*\.int\.test\.ts/);
});

test('the same file passes without the guard, so the guard is what fails it', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'scripts/unit-guard.fixture.ts'], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
