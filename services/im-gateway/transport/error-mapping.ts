// The one place where errors become HTTP statuses and WebSocket error frames.
import { isDomainError, type ErrorKind } from '../../../lib/errors';
import { GatewayErrorCode } from '../domain/errors';
import type { FrameId } from './client-frames';

/** Every code a client can get is one of these kinds, or one of the specific codes docs/protocol.md lists. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Codes whose HTTP status is more precise than their kind's. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  [GatewayErrorCode.payloadTooLarge]: 413,
  [GatewayErrorCode.methodNotAllowed]: 405,
};

export interface ClientError {
  code: string;
  message: string;
}

/** Errors we did not anticipate are reported as INTERNAL without their details (those go to the log). */
export function describeError(err: unknown): { status: number; error: ClientError; expected: boolean } {
  if (isDomainError(err) && err.kind !== 'INTERNAL') {
    const status = STATUS_OF_CODE[err.code] ?? STATUS_OF_KIND[err.kind];
    // gRPC's finer failures (DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ...) all mean the same to a client: retry.
    const code = err.kind === 'UNAVAILABLE' ? 'UNAVAILABLE' : err.code;
    return { status, error: { code, message: err.message }, expected: err.kind !== 'UNAVAILABLE' };
  }
  return { status: 500, error: { code: 'INTERNAL', message: 'internal error' }, expected: false };
}

export function httpErrorBody(err: unknown): { status: number; body: { error: ClientError }; expected: boolean } {
  const d = describeError(err);
  return { status: d.status, body: { error: d.error }, expected: d.expected };
}

export function errorFrame(err: unknown, ref?: FrameId) {
  const d = describeError(err);
  return { frame: { type: 'error' as const, ...d.error, ...(ref !== undefined ? { ref } : {}) }, expected: d.expected };
}

/** WebSocket close codes (RFC 6455) the gateway uses. */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
  /** Application range (4000-4999): the token the connection was opened with expired; log in again, reconnect. */
  tokenExpired: 4001,
} as const;
