// The one mapping between lib/errors' domain errors and gRPC status codes, used by servers (toGrpcError) and
// clients (fromGrpcError). A specific code (e.g. "NOT_A_MEMBER") travels in the "gochat-error-code" metadata entry
// so that a caller two hops away can still tell why a call failed, not only which kind of failure it was.
import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import {
  AlreadyExists,
  type DomainError,
  type DomainErrorOptions,
  type ErrorKind,
  FailedPrecondition,
  Internal,
  InvalidArgument,
  isDomainError,
  NotFound,
  PermissionDenied,
  Unauthenticated,
  Unavailable,
} from '../errors';

export const ERROR_CODE_METADATA_KEY = 'gochat-error-code';

const STATUS_OF_KIND: Record<ErrorKind, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
};

/**
 * The gRPC status to answer a failed call with. Errors that are not domain errors become INTERNAL with a generic
 * message, so internals (SQL, stack details) never leak to callers; the handler logs the original.
 */
export function toGrpcError(
  err: unknown,
): Partial<StatusObject> & { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  if (isDomainError(err)) {
    metadata.set(ERROR_CODE_METADATA_KEY, err.code);
    return { code: STATUS_OF_KIND[err.kind], details: err.message, metadata };
  }
  metadata.set(ERROR_CODE_METADATA_KEY, 'INTERNAL');
  return { code: status.INTERNAL, details: 'internal error', metadata };
}

function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

/** Turns a failed gRPC call back into the domain error the server raised (or the transport failure it was). */
export function fromGrpcError(err: unknown): DomainError {
  if (isDomainError(err)) return err;
  if (!isServiceError(err)) {
    return new Internal(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const specific = err.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  const code = typeof specific === 'string' && specific !== '' ? specific : undefined;
  const message = err.details || err.message;
  const options = (fallback: string): DomainErrorOptions => ({ code: code ?? fallback, cause: err });
  switch (err.code) {
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return new InvalidArgument(message, options('INVALID_ARGUMENT'));
    case status.NOT_FOUND:
      return new NotFound(message, options('NOT_FOUND'));
    case status.ALREADY_EXISTS:
      return new AlreadyExists(message, options('ALREADY_EXISTS'));
    case status.PERMISSION_DENIED:
      return new PermissionDenied(message, options('PERMISSION_DENIED'));
    case status.UNAUTHENTICATED:
      return new Unauthenticated(message, options('UNAUTHENTICATED'));
    case status.FAILED_PRECONDITION:
    case status.ABORTED:
      return new FailedPrecondition(message, options('FAILED_PRECONDITION'));
    case status.UNAVAILABLE:
      return new Unavailable(message, options('UNAVAILABLE'));
    case status.DEADLINE_EXCEEDED:
      return new Unavailable(message, options('DEADLINE_EXCEEDED'));
    case status.CANCELLED:
      return new Unavailable(message, options('CANCELLED'));
    case status.RESOURCE_EXHAUSTED:
      return new Unavailable(message, options('RESOURCE_EXHAUSTED'));
    case status.UNIMPLEMENTED:
      return new Internal(message, options('UNIMPLEMENTED'));
    default:
      return new Internal(message, options('INTERNAL'));
  }
}
