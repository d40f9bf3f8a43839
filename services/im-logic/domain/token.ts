// Session tokens: "<payload b64url>.<HMAC-SHA256 b64url>", payload {"sub": user id, "exp": epoch ms}. Stateless, so
// any im-logic instance with the same secret can verify them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Unauthenticated } from './errors';

export interface TokenClaims {
  userId: string;
  expiresAtMs: number;
}

export class TokenSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  issue(userId: string, nowMs: number): { token: string; expiresAtMs: number } {
    const expiresAtMs = nowMs + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ sub: userId, exp: expiresAtMs }), 'utf8').toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expiresAtMs };
  }

  /** Throws Unauthenticated for a malformed, forged or expired token. */
  verify(token: string, nowMs: number): TokenClaims {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) throw new Unauthenticated('token is malformed');
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Unauthenticated('token signature is invalid');
    }
    const claims = decodeClaims(payload);
    if (claims === undefined) throw new Unauthenticated('token is malformed');
    if (claims.expiresAtMs <= nowMs) throw new Unauthenticated('token has expired');
    return claims;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

function decodeClaims(payload: string): TokenClaims | undefined {
  try {
    const raw: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof raw !== 'object' || raw === null) return undefined;
    const { sub, exp } = raw as Record<string, unknown>;
    if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number') return undefined;
    return { userId: sub, expiresAtMs: exp };
  } catch {
    return undefined;
  }
}
