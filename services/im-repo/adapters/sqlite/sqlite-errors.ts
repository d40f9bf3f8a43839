// Recognising constraint violations, so a unique key clash becomes AlreadyExists instead of an internal error.
import { SqliteError } from 'better-sqlite3';

export function isUniqueViolation(err: unknown, column?: string): boolean {
  if (!(err instanceof SqliteError)) return false;
  if (err.code !== 'SQLITE_CONSTRAINT_UNIQUE' && err.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
  return column === undefined || err.message.includes(column);
}
