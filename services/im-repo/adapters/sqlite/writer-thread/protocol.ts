// What crosses between im-repo's gRPC thread and its writer thread: calls of the message log's writes, and their
// answers. Values are structured-cloned; a domain error travels as its fields (a clone keeps no subclass, kind or
// code) and is rebuilt on the other side, so gRPC maps it as if it had been raised in the calling thread.
import type { SyncMode } from '../database';
import type { ConversationWrite } from '../../../domain/messages';
import { domainError, isDomainError, type ErrorKind } from '../../../../../lib/errors';

export interface WriterData {
  sqlitePath: string;
  sqliteSync: SyncMode;
}

export interface WriteCall {
  id: number;
  method: ConversationWrite;
  args: unknown[];
}

export interface ErrorFields {
  kind?: ErrorKind;
  code?: string;
  name: string;
  message: string;
}

export type WriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorFields }
  /** Sent once, after the database is open. */
  | { ready: true }
  /** Sent instead when the database could not be opened. */
  | { ready: false; error: ErrorFields };

/** Asks the writer to close its database and end. */
export const CLOSE = 'close';

export function errorFields(err: unknown): ErrorFields {
  if (isDomainError(err)) return { kind: err.kind, code: err.code, name: err.name, message: err.message };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

export function errorFrom(fields: ErrorFields): Error {
  if (fields.kind) return domainError(fields.kind, fields.message, { code: fields.code });
  const err = new Error(fields.message);
  err.name = fields.name;
  return err;
}
