import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, EnvReader } from '../../lib/config';
import { readRepoConfig } from './config';

const read = (env: Record<string, string>) => readRepoConfig(new EnvReader(env));

test('defaults: SQLite file in the data dir, fsync per commit', () => {
  const config = read({ REDIS_URL: 'redis://127.0.0.1:6379', GOCHAT_DATA_DIR: '/var/gochat' });
  assert.equal(config.sqlitePath, '/var/gochat/gochat.db');
  assert.equal(config.sqliteSync, 'full');
  assert.equal(config.grpcHost, '127.0.0.1');
  assert.equal(config.grpcPort, 0);
  assert.equal(config.instanceId, 'im-repo');
});

test('each bad or missing setting is named', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ GOCHAT_DATA_DIR: '/d' }, 'REDIS_URL', /required/],
    [{ REDIS_URL: 'localhost:6379', GOCHAT_DATA_DIR: '/d' }, 'REDIS_URL', /redis:\/\/host:port/],
    [{ REDIS_URL: 'redis://h:1' }, 'SQLITE_PATH', /required when GOCHAT_DATA_DIR is not set/],
    [
      { REDIS_URL: 'redis://h:1', SQLITE_PATH: '/x.db', SQLITE_SYNCHRONOUS: 'off' },
      'SQLITE_SYNCHRONOUS',
      /full, normal/,
    ],
    [{ REDIS_URL: 'redis://h:1', SQLITE_PATH: '/x.db', GRPC_PORT: '70000' }, 'GRPC_PORT', /<= 65535/],
  ];
  for (const [env, variable, problem] of cases) {
    assert.throws(
      () => read(env),
      (err) => err instanceof ConfigError && err.variable === variable && problem.test(err.problem),
      variable,
    );
  }
});
