// A small method + path router for the API: "/api/topics/:topic/records" style patterns, JSON in and out.
import { BadRequestError } from './errors';
import { decodePathPart } from './request-url';

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** A response that is streamed as newline-delimited JSON instead of one JSON value. */
export class NdjsonStream {
  constructor(
    readonly lines: AsyncIterable<unknown>,
    readonly filename: string,
  ) {}
}

/** A response that is a file to save (a diagram's mermaid text or SVG) rather than JSON. */
export class FileResponse {
  constructor(
    readonly contentType: string,
    readonly body: string,
    readonly filename: string,
  ) {}
}

export type Handler = (context: RequestContext) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: 'GET' | 'POST' | 'DELETE', path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(part.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** The handler for a request, or null with whether the path exists under another method. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allowed: string[] } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodePathPart(found[index + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return { allowed };
  }
}

export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadRequestError(`query parameter "${name}" must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string, required: true): string;
export function stringField(body: Record<string, unknown>, name: string, required?: false): string | undefined;
export function stringField(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new BadRequestError(`field "${name}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new BadRequestError(`field "${name}" must be a string`);
  return value;
}
