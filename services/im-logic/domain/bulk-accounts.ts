// Bulk seeding of accounts for tools (the bench, the console's "create N users"): the same username and password
// rules as Register, but one call and one im-repo transaction for thousands of users.
//
// Passwords are still hashed with scrypt, but users of one call that share a password share ONE salted hash,
// computed once: 5,000 distinct scrypt hashes take minutes on a small machine. The cost is that a leaked table
// shows which seeded users share a password (they do by construction). Register never does this.
import type { Group, User } from '../../../proto/gen/gochat/common/v1/common';
import { checkPassword, MAX_DISPLAY_NAME_LENGTH, USERNAME_PATTERN } from './accounts';
import { InvalidField } from './errors';
import { hashPassword } from './password';
import type { Clock, UserSeeder } from './ports';
import type { TokenSigner } from './token';

export const MAX_SEED_USERS = 5000;

export interface SeedAccountsRequest {
  users: { username: string; displayName: string; password: string }[];
  friendships: { a: number; b: number }[];
  groups: { name: string; owner: number; members: number[] }[];
  issueTokens: boolean;
}

export interface SeededAccount {
  user: User;
  created: boolean;
  token: string;
  expiresAtMs: number;
}

export class BulkAccounts {
  constructor(
    private readonly seeder: UserSeeder,
    private readonly tokens: TokenSigner,
    private readonly clock: Clock,
  ) {}

  async seed(request: SeedAccountsRequest): Promise<{ users: SeededAccount[]; groups: Group[] }> {
    if (request.users.length === 0) throw new InvalidField('users', 'at least one user is required');
    if (request.users.length > MAX_SEED_USERS) {
      throw new InvalidField('users', `at most ${MAX_SEED_USERS} per call, got ${request.users.length}`);
    }
    const hashes = new Map<string, Promise<string>>();
    const users = request.users.map((user, i) => {
      if (!USERNAME_PATTERN.test(user.username)) {
        throw new InvalidField(`users[${i}].username`, 'must be 3-32 characters of a-z, 0-9, "_", "." or "-"');
      }
      checkPassword(user.password, `users[${i}].password`);
      const displayName = user.displayName.trim() === '' ? user.username : user.displayName.trim();
      if (displayName.length > MAX_DISPLAY_NAME_LENGTH) {
        throw new InvalidField(`users[${i}].display_name`, `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
      }
      if (!hashes.has(user.password)) hashes.set(user.password, hashPassword(user.password));
      return { username: user.username, displayName, password: user.password };
    });
    const hashOf = new Map<string, string>();
    for (const [password, hash] of hashes) hashOf.set(password, await hash);
    const seeded = await this.seeder.seedUsers({
      users: users.map((user) => ({
        username: user.username,
        displayName: user.displayName,
        passwordHash: hashOf.get(user.password) as string,
      })),
      friendships: request.friendships,
      groups: request.groups,
    });
    const nowMs = this.clock.nowMs();
    return {
      users: seeded.users.map((user, i) => ({
        user,
        created: seeded.created[i] ?? false,
        ...(request.issueTokens ? this.tokens.issue(user.userId, nowMs) : { token: '', expiresAtMs: 0 }),
      })),
      groups: seeded.groups,
    };
  }
}
