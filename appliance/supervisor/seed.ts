// Demo data on the first start of a data dir: five users, friendships and a "general" group, created through
// a gateway's HTTP API exactly as a client would. Recorded in <data-dir>/seed.json so it runs once.
import { existsSync, writeFileSync } from 'node:fs';
import type { DataDirLayout } from './data-dir';

export const SEED_PASSWORD = 'password123';
export const SEED_USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
export type SeedUser = (typeof SEED_USERS)[number];
const FRIENDSHIPS: [SeedUser, SeedUser][] = [
  ['alice', 'bob'],
  ['alice', 'carol'],
  ['alice', 'dave'],
  ['alice', 'erin'],
  ['bob', 'carol'],
  ['dave', 'erin'],
];
export const SEED_GROUP = 'general';

export class SeedError extends Error {
  override name = 'SeedError';
}

interface Session {
  userId: string;
  token: string;
}

async function api(
  baseUrl: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

function fail(what: string, result: { status: number; json: unknown }): never {
  throw new SeedError(`${what} failed: HTTP ${result.status} ${JSON.stringify(result.json)}`);
}

async function registerAndLogin(baseUrl: string, username: SeedUser): Promise<Session> {
  const displayName = username[0]!.toUpperCase() + username.slice(1);
  const registered = await api(baseUrl, '/api/register', { username, password: SEED_PASSWORD, displayName });
  // 409: left from a seed that was interrupted after this user; logging in still works.
  if (registered.status !== 201 && registered.status !== 409) fail(`registering ${username}`, registered);
  const login = await api(baseUrl, '/api/login', { username, password: SEED_PASSWORD });
  const user = login.json.user as { userId?: unknown } | undefined;
  if (login.status !== 200 || typeof login.json.token !== 'string' || typeof user?.userId !== 'string') {
    fail(`logging in as ${username}`, login);
  }
  return { userId: user.userId, token: login.json.token };
}

/** Seeds once per data dir; returns false when it had already been done. */
export async function seedDemoData(
  layout: DataDirLayout,
  gatewayUrl: string,
  progress: (line: string) => void,
): Promise<boolean> {
  if (existsSync(layout.seedFile)) return false;
  progress(
    `seed: creating users ${SEED_USERS.join(', ')} (password "${SEED_PASSWORD}"), friendships and group "${SEED_GROUP}"`,
  );
  const sessions = new Map<SeedUser, Session>();
  for (const username of SEED_USERS) sessions.set(username, await registerAndLogin(gatewayUrl, username));
  const session = (name: SeedUser): Session => sessions.get(name) as Session;
  // Friendship needs consent: one asks, the other accepts (the seed acts for both).
  for (const [from, to] of FRIENDSHIPS) {
    const asked = await api(gatewayUrl, '/api/friends', { userId: session(to).userId }, session(from).token);
    if (asked.status !== 202 && asked.status !== 200 && asked.status !== 201) {
      fail(`${from} asking ${to} for friendship`, asked);
    }
    if (asked.status !== 202) continue;
    const path = `/api/friends/requests/${encodeURIComponent(session(from).userId)}`;
    const accepted = await api(gatewayUrl, path, { accept: true }, session(to).token);
    if (accepted.status !== 200) fail(`${to} accepting ${from}'s friend request`, accepted);
  }
  const group = await api(
    gatewayUrl,
    '/api/groups',
    { name: SEED_GROUP, memberIds: SEED_USERS.filter((u) => u !== 'alice').map((u) => session(u).userId) },
    session('alice').token,
  );
  if (group.status !== 201 && group.status !== 200) fail(`creating group "${SEED_GROUP}"`, group);
  const groupId = (group.json.group as { groupId?: string } | undefined)?.groupId ?? null;
  const record = {
    seededAt: new Date().toISOString(),
    password: SEED_PASSWORD,
    users: Object.fromEntries([...sessions].map(([name, s]) => [name, s.userId])),
    friendships: FRIENDSHIPS,
    group: { name: SEED_GROUP, groupId },
  };
  writeFileSync(layout.seedFile, `${JSON.stringify(record, null, 2)}\n`);
  progress(`seed: done (group "${SEED_GROUP}" ${groupId ?? ''})`);
  return true;
}
