// Bench users made through the gateway's public HTTP API (register, login, befriend), a few requests at a time.
// Fine for a hundred users; thousands go through the bulk seeding path instead.

export const BENCH_PASSWORD = 'bench-password-1';

export interface BenchUser {
  userId: string;
  username: string;
  token: string;
}

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** Runs `task` for 0..count-1 with at most `concurrency` running at once; results in index order. */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Registers and logs in `count` users named `<prefix><i>`; `onDone` is told how many are ready so far. */
export async function registerUsers(
  gatewayUrl: string,
  prefix: string,
  count: number,
  onDone?: (done: number) => void,
): Promise<BenchUser[]> {
  let done = 0;
  return inParallel(count, 16, async (i) => {
    const username = `${prefix}${i}`;
    const registered = await postJson(`${gatewayUrl}/api/register`, { username, password: BENCH_PASSWORD });
    if (registered.status !== 201) {
      throw new Error(`register ${username}: HTTP ${registered.status} ${JSON.stringify(registered.json)}`);
    }
    const login = await postJson(`${gatewayUrl}/api/login`, { username, password: BENCH_PASSWORD });
    const body = login.json as { token?: string; user?: { userId?: string } };
    if (login.status !== 200 || !body.token || !body.user?.userId) {
      throw new Error(`login ${username}: HTTP ${login.status} ${JSON.stringify(login.json)}`);
    }
    onDone?.(++done);
    return { userId: body.user.userId, username, token: body.token };
  });
}

/** Makes `a` and `b` friends (friendship is mutual and immediate). */
export async function befriend(gatewayUrl: string, a: BenchUser, b: BenchUser): Promise<void> {
  const res = await postJson(`${gatewayUrl}/api/friends`, { userId: b.userId }, a.token);
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`befriend ${a.username} and ${b.username}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  }
}

/** The gateway WebSocket URL of a logged-in user. */
export function chatWsUrl(gatewayUrl: string, user: BenchUser): string {
  return `${gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(user.token)}`;
}
