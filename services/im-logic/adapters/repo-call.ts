// One call to im-repo: carries the current trace, and turns im-repo's refusals into the codes clients are promised
// (docs/protocol.md). im-repo's finer codes (e.g. "USER_NOT_FOUND") are its own vocabulary; im-logic's callers see
// the kind ("NOT_FOUND") with im-repo's message, which names what was missing.
import type { Client } from '@grpc/grpc-js';
import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  isDomainError,
  NotFound,
  PermissionDenied,
  Unauthenticated,
  type DomainError,
} from '../../../lib/errors';
import { call, type RequestOf, type ResponseOf, type UnaryMethodName } from '../../../lib/grpc/client';

export async function repoCall<C extends Client, M extends UnaryMethodName<C>>(
  client: C,
  method: M,
  request: RequestOf<C, M>,
): Promise<ResponseOf<C, M>> {
  try {
    return await call(client, method, request);
  } catch (err) {
    throw asClientFacing(err);
  }
}

/** Refusals keep their kind and message with the kind as code; failures (UNAVAILABLE, INTERNAL) stay as they are. */
export function asClientFacing(err: unknown): unknown {
  if (!isDomainError(err) || err.code === err.kind) return err;
  const options = { cause: err };
  const rebuilt: Partial<Record<DomainError['kind'], () => DomainError>> = {
    INVALID_ARGUMENT: () => new InvalidArgument(err.message, options),
    NOT_FOUND: () => new NotFound(err.message, options),
    ALREADY_EXISTS: () => new AlreadyExists(err.message, options),
    PERMISSION_DENIED: () => new PermissionDenied(err.message, options),
    UNAUTHENTICATED: () => new Unauthenticated(err.message, options),
    FAILED_PRECONDITION: () => new FailedPrecondition(err.message, options),
  };
  return rebuilt[err.kind]?.() ?? err;
}
