// Thousands of bench users in seconds: the appliance API's POST /api/seed (im-logic hashes the shared password
// once, im-repo stores users, friendships and groups in one transaction) answers with a token per user, so no
// login (an scrypt verify each) is needed either.
import type { BenchUser } from './bench-users';
import { BENCH_PASSWORD } from './bench-users';
import type { FreshAppliance } from './fresh-appliance';

/** The API's limit per call; friendships and groups must stay within one call. */
export const SEED_BATCH = 5000;

export interface SeedPlan {
  prefix: string;
  count: number;
  /** Pairs of user indexes; only with count <= SEED_BATCH. */
  friendships?: [number, number][];
  groups?: { name: string; owner: number; members: number[] }[];
}

interface SeedAnswer {
  users: { userId: string; username: string; token?: string }[];
  groups: { groupId: string; name: string; memberCount: number }[];
}

async function seedCall(appliance: FreshAppliance, body: unknown): Promise<SeedAnswer> {
  const { url, token } = appliance.adminApi();
  const res = await fetch(`${url}/api/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as SeedAnswer & { error?: string };
  if (res.status !== 200) throw new Error(`POST /api/seed: HTTP ${res.status} ${answer.error ?? ''}`);
  return answer;
}

/** Seeds the users (in batches of SEED_BATCH when there are no relations); `onDone` hears how many are ready. */
export async function seedUsers(
  appliance: FreshAppliance,
  plan: SeedPlan,
  onDone?: (done: number) => void,
): Promise<{ users: BenchUser[]; groupIds: string[] }> {
  const related = (plan.friendships?.length ?? 0) > 0 || (plan.groups?.length ?? 0) > 0;
  if (related && plan.count > SEED_BATCH) {
    throw new Error(`friendships and groups need all users in one call: at most ${SEED_BATCH}, got ${plan.count}`);
  }
  const users: BenchUser[] = [];
  const groupIds: string[] = [];
  for (let start = 0; start < plan.count; start += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, plan.count - start);
    const answer = await seedCall(appliance, {
      // One call's usernames are <prefix><0..count-1>: a batch gets its own prefix so that names stay unique.
      prefix: start === 0 ? plan.prefix : `${plan.prefix}b${start / SEED_BATCH}x`,
      count,
      password: BENCH_PASSWORD,
      friendships: plan.friendships ?? [],
      groups: plan.groups ?? [],
      tokens: true,
    });
    for (const user of answer.users) {
      if (!user.token) throw new Error(`POST /api/seed returned no token for ${user.username}`);
      users.push({ userId: user.userId, username: user.username, token: user.token });
    }
    groupIds.push(...answer.groups.map((group) => group.groupId));
    onDone?.(users.length);
  }
  return { users, groupIds };
}
