// Bench users as the load generators see them: an id and a session token for the gateway's WebSocket.

/** The password of every seeded bench user (bench/support/bulk-users.ts). */
export const BENCH_PASSWORD = 'bench-password-1';

export interface BenchUser {
  userId: string;
  username: string;
  token: string;
}

/** The gateway WebSocket URL of a logged-in user. */
export function chatWsUrl(gatewayUrl: string, user: BenchUser): string {
  return `${gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(user.token)}`;
}
