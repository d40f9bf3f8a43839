// Every limit and rule on what a client may send, defined once. The gateway (WebSocket frames and the HTTP API),
// im-logic and im-repo all check with these, so the edges and the services cannot drift apart again (they did:
// clientMsgId 64 vs 128 characters, the body counted in bytes in two places and in characters in a third).
// docs/protocol.md states the same numbers; limits.test.ts checks that it does.
import { InvalidArgument } from './errors';

/** A send's deduplication key: short, printable, safe in logs, URLs and HTML. */
export const CLIENT_MSG_ID_MAX_LENGTH = 64;
const CLIENT_MSG_ID_CHARS = /^[A-Za-z0-9_.:-]+$/;
/** Message bodies are counted in UTF-8 bytes (what is stored and sent), not in characters. */
export const BODY_MAX_BYTES = 16 * 1024;
export const DEFAULT_CONTENT_TYPE = 'text/plain';
/** "system/..." types are written by the server only (member changes), so clients may not forge them. */
export const CLIENT_CONTENT_TYPES: readonly string[] = ['text/plain', 'text/markdown', 'application/json'];
/** User and group ids end up inside conversation ids ("p2p:<a>:<b>") and Redis keys: no ":" and no whitespace. */
export const ID_MAX_LENGTH = 128;
const ID_CHARS = /^[A-Za-z0-9_.@-]+$/;
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
export const PASSWORD_MIN_LENGTH = 8;
/** scrypt's cost grows only slightly with the input, but an unbounded field invites abuse. */
export const PASSWORD_MAX_LENGTH = 256;
export const DISPLAY_NAME_MAX_LENGTH = 64;
export const GROUP_NAME_MAX_LENGTH = 64;
/** Users named when a group is created, besides its owner. */
export const GROUP_INITIAL_MEMBERS_MAX = 500;
/** History pages (`sync`, GET .../messages): a larger limit is served as this many (hasMore tells the rest). */
export const HISTORY_DEFAULT_LIMIT = 100;
export const HISTORY_MAX_LIMIT = 1000;
export const USER_SEARCH_DEFAULT_LIMIT = 20;
export const USER_SEARCH_MAX_LIMIT = 100;

/** The codes these rules refuse with (docs/protocol.md lists each). */
export const LIMIT_ERROR_CODES = ['INVALID_ARGUMENT', 'BODY_TOO_LARGE'] as const;
type ErrorCode = (typeof LIMIT_ERROR_CODES)[number];

function invalid(field: string, problem: string, code: ErrorCode = 'INVALID_ARGUMENT'): InvalidArgument {
  return new InvalidArgument(`${field}: ${problem}`, { code });
}

export function checkClientMsgId(value: string, field = 'clientMsgId'): string {
  if (value.length === 0) throw invalid(field, 'is required (it makes retries safe)');
  if (value.length > CLIENT_MSG_ID_MAX_LENGTH || !CLIENT_MSG_ID_CHARS.test(value)) {
    throw invalid(field, `must be 1-${CLIENT_MSG_ID_MAX_LENGTH} characters of [A-Za-z0-9_.:-]`);
  }
  return value;
}

/** A client's message body: not blank, at most BODY_MAX_BYTES in UTF-8 (BODY_TOO_LARGE beyond). */
export function checkBody(body: string, field = 'body', { allowEmpty = false } = {}): string {
  if (!allowEmpty && body.trim() === '') throw invalid(field, 'must not be empty');
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > BODY_MAX_BYTES) {
    throw invalid(field, `is ${bytes} bytes in UTF-8, more than the ${BODY_MAX_BYTES} allowed`, 'BODY_TOO_LARGE');
  }
  return body;
}

/** The content type a client may send ("" means the default). */
export function checkContentType(value: string, field = 'contentType'): string {
  const type = value === '' ? DEFAULT_CONTENT_TYPE : value;
  if (!CLIENT_CONTENT_TYPES.includes(type)) {
    throw invalid(field, `"${type.slice(0, 100)}" is not one of ${CLIENT_CONTENT_TYPES.join(', ')}`);
  }
  return type;
}

export function isValidId(value: string): boolean {
  return value.length > 0 && value.length <= ID_MAX_LENGTH && ID_CHARS.test(value);
}

export function checkUsername(value: string, field = 'username'): string {
  if (!USERNAME_PATTERN.test(value)) throw invalid(field, 'must be 3-32 characters of a-z, 0-9, "_", "." or "-"');
  return value;
}

export function checkPassword(value: string, field = 'password'): string {
  if (value.length < PASSWORD_MIN_LENGTH) throw invalid(field, `must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (value.length > PASSWORD_MAX_LENGTH) throw invalid(field, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
  return value;
}

/** A seq a client names (read pointer, history bound): an integer >= 0. */
export function checkSeq(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(field, `must be an integer >= 0 (got ${value})`);
  return value;
}

/** How many messages a history page holds: 0 means the default, above the maximum means the maximum. */
export function historyPageSize(requested: number, field = 'limit'): number {
  if (!Number.isSafeInteger(requested) || requested < 0) throw invalid(field, `must be an integer >= 0`);
  if (requested === 0) return HISTORY_DEFAULT_LIMIT;
  return Math.min(requested, HISTORY_MAX_LIMIT);
}

/** How many users a search answers: 0 means the default, above the maximum means the maximum. */
export function searchPageSize(requested: number, field = 'limit'): number {
  if (!Number.isSafeInteger(requested) || requested < 0) throw invalid(field, `must be an integer >= 0`);
  if (requested === 0) return USER_SEARCH_DEFAULT_LIMIT;
  return Math.min(requested, USER_SEARCH_MAX_LIMIT);
}
