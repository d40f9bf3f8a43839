// A unit test that starts a process: unit-guard.int.test.ts runs it under the unit suite's guard, which must fail it.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';

test('starts a child process', () => {
  spawnSync(process.execPath, ['-e', '']);
});
