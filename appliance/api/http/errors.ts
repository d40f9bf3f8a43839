// The appliance API's failures. Each maps to one HTTP status in http-server.ts (the only place that does so).

export class ApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller sent something malformed: the message names the bad part. */
export class BadRequestError extends ApiError {}
/** No such service, topic, table, client or trace. */
export class NotFoundError extends ApiError {}
/** Missing or wrong console token. */
export class UnauthorizedError extends ApiError {}
/** A chaos control that cannot be applied to that process (not running, or inside the supervisor itself). */
export class ChaosRefusedError extends BadRequestError {}
/** A part the request needs (broker, presence store, database, gateway) is not running or not reachable. */
export class UnavailableError extends ApiError {}

export function httpStatusOf(error: unknown): number {
  if (error instanceof BadRequestError) return 400;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof UnavailableError) return 503;
  return 500;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
