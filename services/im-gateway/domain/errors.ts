// The gateway raises the shared domain errors of lib/errors; these are the specific codes it adds. The HTTP status
// and WS error frame of every error are decided in one place, transport/error-mapping.ts.
import { InvalidArgument, Unavailable } from '../../../lib/errors';

export const GatewayErrorCode = {
  badJson: 'BAD_JSON',
  invalidFrame: 'INVALID_FRAME',
  unknownFrameType: 'UNKNOWN_FRAME_TYPE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  bodyTooLarge: 'BODY_TOO_LARGE',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
} as const;

export function payloadTooLarge(limitBytes: number): InvalidArgument {
  return new InvalidArgument(`payload exceeds the limit of ${limitBytes} bytes`, {
    code: GatewayErrorCode.payloadTooLarge,
  });
}

/** A dependency (im-logic, im-repo, Kafka) could not do its part; the client may retry. */
export function dependencyUnavailable(what: string, cause: unknown): Unavailable {
  return new Unavailable(`${what} is unavailable, retry later`, { cause });
}
