// The SQLite file of im-repo: WAL for concurrent readers, an fsync per commit by default (a message is acked only
// after it is stored, so a commit must survive a crash), and forward-only migrations tracked in PRAGMA user_version.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export type SqliteDatabase = Database.Database;

/**
 * "full" fsyncs every commit (an acknowledged message survives a power cut); "normal" in WAL mode survives a
 * process crash but may lose the last commits on a power cut, in exchange for much cheaper commits.
 */
export type SyncMode = 'full' | 'normal';

export function openDatabase(path: string, sync: SyncMode = 'full'): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Savepoints (one per unit of a group commit) journal the pages they change; in memory, not in a temp file
    // with a write per page (this halved the CPU of storing a message).
    db.pragma('temp_store = MEMORY');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Applies the migrations newer than the file's schema version, each in its own transaction. */
export function migrate(db: SqliteDatabase): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.length;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this im-repo knows (${latest})`);
  }
  for (let version = current + 1; version <= latest; version++) {
    const sql = MIGRATIONS[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return latest;
}
