import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { acquireLock, ApplianceAlreadyRunningError, dataDirLayout, lockHolder, tokenSecret } from './data-dir';
import { waitForProcessExit } from './processes';
import { tempDataDir } from '../test-support/running-appliance';

const tempLayout = () => dataDirLayout(tempDataDir());

describe('data dir lock', () => {
  test('a second supervisor on the same data dir is refused with the holder named', () => {
    const layout = tempLayout();
    const release = acquireLock(layout);
    try {
      assert.equal(lockHolder(layout), process.pid);
      assert.throws(
        () => acquireLock(layout),
        (err: unknown) =>
          err instanceof ApplianceAlreadyRunningError &&
          err.pid === process.pid &&
          /gochat down --data-dir/.test(err.message),
      );
    } finally {
      release();
    }
    assert.equal(lockHolder(layout), undefined);
  });

  test('a lock left by a process that died is taken over', async () => {
    const layout = tempLayout();
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid as number;
    assert.ok(await waitForProcessExit(pid, 10_000));
    writeFileSync(layout.lockFile, JSON.stringify({ pid }));
    assert.equal(lockHolder(layout), undefined);
    const release = acquireLock(layout);
    assert.equal(JSON.parse(readFileSync(layout.lockFile, 'utf8')).pid, process.pid);
    release();
  });

  test('the token secret is created once and kept', () => {
    const layout = tempLayout();
    const first = tokenSecret(layout);
    assert.ok(first.length >= 32);
    assert.equal(tokenSecret(layout), first);
  });
});
