import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NotFoundError, UnavailableError } from '../http/errors';
import { SqliteDataReader } from './sqlite-data';

let dir: string;
let path: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-data-'));
  path = join(dir, 'gochat.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE users (user_id TEXT PRIMARY KEY, username TEXT, password_hash TEXT, created_at_ms INTEGER);
           CREATE TABLE groups (group_id TEXT PRIMARY KEY, name TEXT, owner_id TEXT, created_at_ms INTEGER);
           INSERT INTO groups VALUES ('g1', 'climbers', 'u1', 1), ('g2', 'runners', 'u1', 2);
           CREATE TABLE internal_state (k TEXT);
           CREATE TABLE group_members (group_id TEXT, user_id TEXT, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;
           INSERT INTO group_members VALUES ('g1', 'u1'), ('g1', 'u2'), ('g2', 'u1');`);
  const insert = db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 7; i++) insert.run(`u${i}`, `user${i}`, `scrypt$secret${i}`, 1000 + i);
  db.close();
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('lists only the chat tables, pages rows in order, and never shows secrets', async () => {
  const reader = new SqliteDataReader(path);
  assert.deepEqual(await reader.tables(), [
    { name: 'users', rows: 7 },
    { name: 'groups', rows: 2 },
    { name: 'group_members', rows: 3 },
  ]);
  const page = await reader.page('users', 5, 5);
  assert.equal(page.total, 7);
  assert.deepEqual(page.columns, ['user_id', 'username', 'password_hash', 'created_at_ms']);
  assert.deepEqual(
    page.rows.map((r) => r.user_id),
    ['u5', 'u6'],
  );
  assert.ok(page.rows.every((r) => r.password_hash === '(hidden)'));
  await assert.rejects(reader.page('internal_state', 0, 10), NotFoundError);
  await assert.rejects(reader.page('users; DROP TABLE users', 0, 10), NotFoundError);
  assert.deepEqual(await reader.usernames(['u1', 'u3', 'nobody']), { u1: 'user1', u3: 'user3' });
  assert.deepEqual(await reader.groupNames(['g2', 'g_nobody']), { g2: 'runners' });
  reader.close();
});

test('opens the database read-only and says so when it does not exist yet', async () => {
  const reader = new SqliteDataReader(path);
  await reader.tables();
  const db = (reader as unknown as { db: Database.Database }).db;
  assert.throws(() => db.exec("INSERT INTO users VALUES ('x', 'x', 'x', 1)"), /readonly/);
  reader.close();
  await assert.rejects(new SqliteDataReader(join(dir, 'missing.db')).tables(), UnavailableError);
});

test('filters rows by column values, pages WITHOUT ROWID tables, and refuses unknown columns', async () => {
  const reader = new SqliteDataReader(path);
  const page = await reader.page('group_members', 0, 10, { group_id: 'g1' });
  assert.equal(page.total, 2);
  assert.deepEqual(
    page.rows.map((r) => r.user_id),
    ['u1', 'u2'],
  );
  assert.equal((await reader.page('users', 0, 10, { username: 'user3' })).rows[0]?.user_id, 'u3');
  await assert.rejects(reader.page('users', 0, 10, { 'x" OR 1=1 --': 1 }), /no column/);
  reader.close();
});
