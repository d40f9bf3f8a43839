// Domain errors shared by every service. Pure: domain code raises these without reaching any transport; their
// mapping to and from gRPC status codes lives in lib/grpc/errors.ts, used only by transports and clients.

export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface DomainErrorOptions {
  /** A stable, more specific code than the kind, e.g. "NOT_A_MEMBER". Defaults to the kind. */
  code?: string;
  cause?: unknown;
}

export abstract class DomainError extends Error {
  /** Stable string code: the specific code when one was given, the kind otherwise. */
  readonly code: string;

  protected constructor(
    readonly kind: ErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? kind;
  }
}

export class InvalidArgument extends DomainError {
  override readonly name = 'InvalidArgument';
  constructor(message: string, options?: DomainErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  constructor(message: string, options?: DomainErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}
export class AlreadyExists extends DomainError {
  override readonly name = 'AlreadyExists';
  constructor(message: string, options?: DomainErrorOptions) {
    super('ALREADY_EXISTS', message, options);
  }
}
export class PermissionDenied extends DomainError {
  override readonly name = 'PermissionDenied';
  constructor(message: string, options?: DomainErrorOptions) {
    super('PERMISSION_DENIED', message, options);
  }
}
export class Unauthenticated extends DomainError {
  override readonly name = 'Unauthenticated';
  constructor(message: string, options?: DomainErrorOptions) {
    super('UNAUTHENTICATED', message, options);
  }
}
export class FailedPrecondition extends DomainError {
  override readonly name = 'FailedPrecondition';
  constructor(message: string, options?: DomainErrorOptions) {
    super('FAILED_PRECONDITION', message, options);
  }
}
export class Unavailable extends DomainError {
  override readonly name = 'Unavailable';
  constructor(message: string, options?: DomainErrorOptions) {
    super('UNAVAILABLE', message, options);
  }
}
export class Internal extends DomainError {
  override readonly name = 'Internal';
  constructor(message: string, options?: DomainErrorOptions) {
    super('INTERNAL', message, options);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
