// Bulk seeding: many users, friendships among them and groups of them in one transaction, for benchmarks and
// the console's "create N users". The same rules as one-by-one creation (username shape, text lengths), checked
// for the whole batch before anything is written, so a bad entry names itself and nothing is half-stored.
import type { Group, User } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument } from '../../../lib/errors';
import { newGroupId } from './groups';
import type { SeedBatch, SeedStore } from './ports';
import { newUserId, USERNAME_RE } from './users';
import { requireText, type Clock } from './validation';

export const MAX_SEED_USERS = 5000;
export const MAX_SEED_FRIENDSHIPS = 50_000;
export const MAX_SEED_GROUPS = 100;

export interface SeedRequest {
  users: { username: string; displayName: string; passwordHash: string }[];
  friendships: { a: number; b: number }[];
  groups: { name: string; owner: number; members: number[] }[];
}

function requireCount(field: string, count: number, max: number): void {
  if (count > max) throw new InvalidArgument(`${field}: at most ${max} per call, got ${count}`);
}

function requireIndex(field: string, index: number, users: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= users) {
    throw new InvalidArgument(`${field} is ${index}, not an index into users (0 to ${users - 1})`);
  }
  return index;
}

export class Seeder {
  constructor(
    private readonly store: SeedStore,
    private readonly clock: Clock,
  ) {}

  seed(request: SeedRequest): { users: User[]; created: boolean[]; groups: Group[] } {
    const { users, friendships, groups } = request;
    requireCount('users', users.length, MAX_SEED_USERS);
    requireCount('friendships', friendships.length, MAX_SEED_FRIENDSHIPS);
    requireCount('groups', groups.length, MAX_SEED_GROUPS);
    const seen = new Set<string>();
    const nowMs = this.clock.now();
    const batch: SeedBatch = {
      users: users.map((user, i) => {
        if (!USERNAME_RE.test(user.username)) {
          throw new InvalidArgument(
            `users[${i}].username "${user.username}" must be 3-32 characters of a-z, 0-9, "_", "." or "-"`,
          );
        }
        if (seen.has(user.username)) throw new InvalidArgument(`users[${i}].username "${user.username}" is repeated`);
        seen.add(user.username);
        const displayName = user.displayName.trim() === '' ? user.username : user.displayName.trim();
        return {
          userId: newUserId(),
          username: user.username,
          displayName: requireText(`users[${i}].display_name`, displayName, 64),
          passwordHash: requireText(`users[${i}].password_hash`, user.passwordHash, 1024),
          createdAtMs: nowMs,
        };
      }),
      friendships: friendships.map((pair, i) => {
        const a = requireIndex(`friendships[${i}].a`, pair.a, users.length);
        const b = requireIndex(`friendships[${i}].b`, pair.b, users.length);
        if (a === b) throw new InvalidArgument(`friendships[${i}] makes user ${a} a friend of itself`);
        return { a, b };
      }),
      groups: groups.map((group, i) => ({
        groupId: newGroupId(),
        name: requireText(`groups[${i}].name`, group.name.trim(), 64),
        owner: requireIndex(`groups[${i}].owner`, group.owner, users.length),
        members: [...new Set(group.members)]
          .map((member, j) => requireIndex(`groups[${i}].members[${j}]`, member, users.length))
          .filter((member) => member !== group.owner),
      })),
      nowMs,
    };
    return this.store.seed(batch);
  }
}
