// The ways im-logic refuses a request, as lib's domain errors (mapped to gRPC status in lib, once). Each carries a
// stable code clients see (in the gRPC status metadata, an HTTP body or a SendError on the downstream topic), so
// the rules can be told apart without parsing text. UNAVAILABLE and INTERNAL are infrastructure failures: they
// are retried, never reported as the client's fault.
import { InvalidArgument, isDomainError, PermissionDenied, type DomainError } from '../../../lib/errors';

export { AlreadyExists, NotFound, Unauthenticated, isDomainError, type DomainError } from '../../../lib/errors';

/**
 * A request field is missing or malformed; the message starts with the field's name. The code defaults to
 * INVALID_ARGUMENT; a limit clients handle on their own (BODY_TOO_LARGE) gets its own code.
 */
export class InvalidField extends InvalidArgument {
  constructor(
    readonly field: string,
    problem: string,
    code: 'INVALID_ARGUMENT' | 'BODY_TOO_LARGE' = 'INVALID_ARGUMENT',
  ) {
    super(`${field}: ${problem}`, { code });
  }
}

/** The specific PERMISSION_DENIED codes clients see (docs/protocol.md lists each). */
export const FORBIDDEN_REASONS = ['NOT_FRIENDS', 'NOT_A_MEMBER', 'NOT_AN_ADMIN'] as const;
export type ForbiddenReason = (typeof FORBIDDEN_REASONS)[number];

/** The caller is known but the rules forbid the action. */
export class Forbidden extends PermissionDenied {
  constructor(reason: ForbiddenReason, message: string) {
    super(message, { code: reason });
  }
}

/** True for a refusal the client must be told about; false for infrastructure failures and bugs. */
export function isRejection(err: unknown): err is DomainError {
  return isDomainError(err) && err.kind !== 'UNAVAILABLE' && err.kind !== 'INTERNAL';
}
