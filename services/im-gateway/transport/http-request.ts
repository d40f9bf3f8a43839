// Reading and checking what an HTTP client sent. Every failure names the field or the limit that was broken.
import type { IncomingMessage } from 'node:http';
import { InvalidArgument } from '../../../lib/errors';
import { GatewayErrorCode, payloadTooLarge } from '../domain/errors';

export const MAX_HTTP_BODY_BYTES = 64 * 1024;

export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_HTTP_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw payloadTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw payloadTooLarge(limit);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgument(`request body is not valid JSON: ${(err as Error).message}`, {
      code: GatewayErrorCode.badJson,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgument('request body must be a JSON object', { code: GatewayErrorCode.badJson });
  }
  return parsed as Record<string, unknown>;
}

export function requiredString(o: Record<string, unknown>, field: string, maxLen = 200): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0) throw new InvalidArgument(`"${field}" must be a non-empty string`);
  if (v.length > maxLen) throw new InvalidArgument(`"${field}" is longer than ${maxLen} characters`);
  return v;
}

export function optionalString(o: Record<string, unknown>, field: string, maxLen = 200): string | undefined {
  if (o[field] === undefined || o[field] === null) return undefined;
  return requiredString(o, field, maxLen);
}

export function requiredInteger(o: Record<string, unknown>, field: string, min: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidArgument(`"${field}" must be an integer >= ${min}`);
  }
  return v;
}

export function stringArray(o: Record<string, unknown>, field: string, maxItems: number): string[] {
  const v = o[field];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > maxItems || v.some((x) => typeof x !== 'string' || x.length === 0)) {
    throw new InvalidArgument(`"${field}" must be an array of at most ${maxItems} non-empty strings`);
  }
  return v as string[];
}

/** A query parameter that must be a non-negative integer when present. */
export function queryInteger(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidArgument(`query parameter "${name}" must be a non-negative integer`);
  return Number(raw);
}

/**
 * The URL of a request target. Only a plain absolute path is accepted; it is appended to a fixed origin because
 * `new URL(target, base)` reads "//x" as a host, and throws on "//".
 */
export function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  if (!raw.startsWith('/')) throw new InvalidArgument(`the request target must be an absolute path, got "${raw}"`);
  try {
    return new URL(`http://gateway${raw}`);
  } catch (err) {
    throw new InvalidArgument(`the request target "${raw}" is not a valid URL path`, { cause: err });
  }
}

export function bearerToken(req: IncomingMessage, url: URL, allowQuery: boolean): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (m) return m[1];
  }
  if (allowQuery) {
    const q = url.searchParams.get('token');
    if (q) return q;
  }
  return undefined;
}
