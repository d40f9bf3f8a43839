// Turning a request's raw target into a URL and its path segments into text. Both are client input: a malformed
// target or escape is the client's mistake (400 naming it), never an exception that escapes as a 500 or, in an
// event listener, as an uncaught error.
import { BadRequestError } from './errors';

/**
 * The URL of a request target such as "/api/topics?x=1". `new URL(target, base)` would read "//x" as a host
 * ("//api/services" becomes path "/services" on host "api") or throw on "//", so the target is appended to a
 * fixed origin instead, and targets that are not a plain absolute path are refused.
 */
export function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  const path = raw.split('?', 1)[0]!;
  if (!path.startsWith('/')) throw new BadRequestError(`the request path must start with "/", got "${raw}"`);
  if (path.includes('//')) throw new BadRequestError(`the request path "${path}" has an empty segment ("//")`);
  try {
    return new URL(`http://127.0.0.1${raw}`);
  } catch (error) {
    throw new BadRequestError(`the request path "${raw}" is not a valid URL path`, { cause: error });
  }
}

/** decodeURIComponent that reports a malformed escape ("%E0%A4%A", "%zz") as the client's error. */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    throw new BadRequestError(`the path part "${part}" is not valid percent-encoding`, { cause: error });
  }
}
