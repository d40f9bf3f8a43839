// DataReader over the chat store's SQLite file, opened read-only (the console must never write to it; im-repo
// owns it). Only the chat tables are shown, whatever else the file holds.
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { BadRequestError, NotFoundError, UnavailableError } from '../http/errors';
import type { DataReader, TablePage } from '../ports';

export const CHAT_TABLES = ['users', 'friends', 'groups', 'group_members', 'messages', 'user_read_pointers'];

export class SqliteDataReader implements DataReader {
  private db: Database.Database | null = null;

  constructor(private readonly path: string) {}

  /** The native module is loaded on first use: inside Electron it may be built for Node's ABI, not Electron's. */
  private async open(): Promise<Database.Database> {
    if (this.db) return this.db;
    if (!existsSync(this.path))
      throw new UnavailableError(
        `the chat database ${this.path} does not exist yet (im-repo creates it on first start)`,
      );
    let Sqlite: typeof Database;
    try {
      Sqlite = (await import('better-sqlite3')).default;
    } catch (error) {
      throw new UnavailableError(
        `better-sqlite3 cannot be loaded in this process (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    this.db = new Sqlite(this.path, { readonly: true, fileMustExist: true });
    return this.db;
  }

  private present(db: Database.Database): string[] {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    const names = new Set(rows.map((r) => r.name));
    return CHAT_TABLES.filter((t) => names.has(t));
  }

  async tables(): Promise<{ name: string; rows: number }[]> {
    const db = await this.open();
    return this.present(db).map((name) => ({
      name,
      rows: (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n,
    }));
  }

  async page(
    table: string,
    offset: number,
    limit: number,
    where: Record<string, string | number> = {},
  ): Promise<TablePage> {
    const db = await this.open();
    // The name goes into SQL text, so it must be one of the known tables, never what the caller typed.
    const present = this.present(db);
    if (!present.includes(table))
      throw new NotFoundError(`no table "${table}"; tables: ${present.join(', ') || 'none yet'}`);
    // Column names go into SQL text too: only the table's own columns; values are bound.
    const known = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    const unknown = Object.keys(where).filter((column) => !known.includes(column));
    if (unknown.length > 0)
      throw new BadRequestError(`table "${table}" has no column ${unknown.join(', ')}; columns: ${known.join(', ')}`);
    const filter = Object.keys(where).length
      ? ` WHERE ${Object.keys(where)
          .map((column) => `"${column}" = ?`)
          .join(' AND ')}`
      : '';
    // WITHOUT ROWID tables (group_members) have no rowid to order by; they are read in primary key order.
    const ddl = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql;
    const order = /WITHOUT\s+ROWID/i.test(ddl) ? '' : ' ORDER BY rowid';
    const values = Object.values(where);
    const statement = db.prepare(`SELECT * FROM "${table}"${filter}${order} LIMIT ? OFFSET ?`);
    const rows = statement.all(...values, limit, offset) as Record<string, unknown>[];
    const columns = statement.columns().map((c) => c.name);
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"${filter}`).get(...values) as { n: number }).n;
    return { table, columns, rows: rows.map(jsonSafe), total, offset, limit };
  }

  async usernames(userIds: string[]): Promise<Record<string, string>> {
    return this.lookup('users', 'user_id', 'username', userIds);
  }

  async groupNames(groupIds: string[]): Promise<Record<string, string>> {
    return this.lookup('groups', 'group_id', 'name', groupIds);
  }

  /** id -> name from one of the chat tables; the table and columns are ours, never the caller's. */
  private async lookup(
    table: 'users' | 'groups',
    idColumn: string,
    nameColumn: string,
    ids: string[],
  ): Promise<Record<string, string>> {
    if (ids.length === 0) return {};
    const db = await this.open();
    if (!this.present(db).includes(table)) return {};
    const names: Record<string, string> = {};
    // Bound parameters, in chunks under SQLite's variable limit.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = db
        .prepare(
          `SELECT ${idColumn} AS id, ${nameColumn} AS name FROM ${table} WHERE ${idColumn} IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(...chunk) as { id: string; name: string }[];
      for (const row of rows) names[row.id] = row.name;
    }
    return names;
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

/** Columns whose values the console never shows, even hashed: a screenshot or a shared screen must not leak them. */
const SECRET_COLUMN = /password|secret|token|hash/i;

function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (SECRET_COLUMN.test(key)) out[key] = '(hidden)';
    else if (typeof value === 'bigint') out[key] = value.toString();
    else if (Buffer.isBuffer(value)) out[key] = `<${value.length} bytes>`;
    else out[key] = value;
  }
  return out;
}
