// The data dir holds the console URL with its token (appliance.json), the token secret, the SQLite database and
// the Kafka log: none of it may be readable by other local users.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { acquireLock, dataDirLayout, tokenSecret, writeApplianceRecord, type ApplianceRecord } from './data-dir';
import { Supervisor } from './supervisor';
import { tempDataDir } from '../test-support/running-appliance';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every file and folder under root whose mode lets group or others in, as "path 0644". */
function openToOthers(root: string): { open: string[]; seen: string[] } {
  const open: string[] = [];
  const seen: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      seen.push(relative(root, path));
      if ((modeOf(path) & 0o077) !== 0) open.push(`${relative(root, path)} 0${modeOf(path).toString(8)}`);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return { open, seen };
}

describe('data dir permissions', () => {
  test('a new data dir is 0700; the lock, appliance.json and the token secret are 0600', () => {
    const root = join(tempDataDir(), 'fresh');
    const layout = dataDirLayout(root);
    const release = acquireLock(layout);
    try {
      writeApplianceRecord(layout, { version: 1, consoleUrl: 'http://127.0.0.1:1/?token=x' } as ApplianceRecord);
      tokenSecret(layout);
      assert.equal(modeOf(root), 0o700);
      for (const file of [layout.lockFile, layout.applianceFile, layout.tokenSecretFile]) {
        assert.equal(modeOf(file), 0o600, file);
      }
    } finally {
      release();
    }
  });

  test("an existing data dir's mode is fixed at start, and an old world-readable appliance.json too", () => {
    const root = tempDataDir();
    chmodSync(root, 0o755);
    const layout = dataDirLayout(root);
    writeFileSync(layout.applianceFile, '{}', { mode: 0o644 });
    chmodSync(layout.applianceFile, 0o644);
    const release = acquireLock(layout);
    try {
      assert.equal(modeOf(root), 0o700);
      assert.equal(modeOf(layout.applianceFile), 0o600);
    } finally {
      release();
    }
  });

  test(
    'files the services and the infra create under it are not readable by others',
    { timeout: 180_000 },
    async () => {
      const root = tempDataDir();
      mkdirSync(root, { recursive: true });
      chmodSync(root, 0o755);
      const supervisor = new Supervisor({ dataDir: root, infra: 'embedded', gateways: 1 });
      try {
        await supervisor.startAll();
      } finally {
        await supervisor.shutdown();
      }
      const { open, seen } = openToOthers(root);
      assert.ok(seen.includes('gochat.db'), `the SQLite file is there: ${seen.join(', ')}`);
      assert.ok(
        seen.some((path) => path.endsWith('.log') && path.startsWith('kafka')),
        `Kafka segments are there: ${seen.join(', ')}`,
      );
      assert.deepEqual(open, []);
      assert.equal(modeOf(root), 0o700);
    },
  );
});
