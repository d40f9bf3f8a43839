// The ways a request to im-logic can be refused. Each carries a stable reason code that clients see (in a gRPC
// status, an HTTP body or a SendError on the downstream topic), so rules can be told apart without parsing text.
// Anything that is not one of these is an infrastructure failure: it is retried, never blamed on the client.

export type RejectionReason =
  | 'INVALID_ARGUMENT'
  | 'ALREADY_EXISTS'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'NOT_FRIENDS'
  | 'NOT_A_MEMBER'
  | 'NOT_AN_ADMIN';

export class RequestRejected extends Error {
  override readonly name: string = 'RequestRejected';
  constructor(
    readonly reason: RejectionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request field is missing or malformed; the message names the field. */
export class InvalidField extends RequestRejected {
  override readonly name = 'InvalidField';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super('INVALID_ARGUMENT', `${field}: ${problem}`);
  }
}

export class AlreadyExists extends RequestRejected {
  override readonly name = 'AlreadyExists';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ALREADY_EXISTS', message, options);
  }
}

export class Unauthenticated extends RequestRejected {
  override readonly name = 'Unauthenticated';
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export class NotFound extends RequestRejected {
  override readonly name = 'NotFound';
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** The caller is known but the rules forbid the action (not friends, not a member, not an admin). */
export class Forbidden extends RequestRejected {
  override readonly name = 'Forbidden';
  constructor(reason: 'NOT_FRIENDS' | 'NOT_A_MEMBER' | 'NOT_AN_ADMIN', message: string) {
    super(reason, message);
  }
}

export function isRejection(err: unknown): err is RequestRejected {
  return err instanceof RequestRejected;
}
