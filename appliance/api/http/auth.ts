// The console token: one random value per run, required on every API call, so that other local programs and web
// pages the user opens cannot drive the appliance.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newConsoleToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token a request carries: "Authorization: Bearer <token>" or, for WebSocket upgrades and links, ?token=. */
export function presentedToken(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token');
}

export function tokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
