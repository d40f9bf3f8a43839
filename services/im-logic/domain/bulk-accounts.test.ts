import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '../../../proto/gen/gochat/common/v1/common';
import { BulkAccounts, type SeedAccountsRequest } from './bulk-accounts';
import { isDomainError } from './errors';
import { verifyPassword } from './password';
import type { UserSeeder } from './ports';
import { TokenSigner } from './token';

/** Records what would be stored; answers as im-repo does (users in request order, all created). */
class RecordingSeeder implements UserSeeder {
  calls: Parameters<UserSeeder['seedUsers']>[0][] = [];
  async seedUsers(request: Parameters<UserSeeder['seedUsers']>[0]) {
    this.calls.push(request);
    const users: User[] = request.users.map((u, i) => ({
      userId: `u_${i}`,
      username: u.username,
      displayName: u.displayName,
      createdAtMs: 1,
    }));
    return { users, created: users.map(() => true), groups: [] };
  }
}

const tokens = new TokenSigner('a-secret-of-at-least-16-chars', 60_000);
const clock = { nowMs: () => 1_000_000 };

function request(passwords: string[], issueTokens = true): SeedAccountsRequest {
  return {
    users: passwords.map((password, i) => ({ username: `bulk${i}`, displayName: '', password })),
    friendships: [{ a: 0, b: 1 }],
    groups: [],
    issueTokens,
  };
}

test('users sharing a password share one verifiable hash; another password gets its own', async () => {
  const seeder = new RecordingSeeder();
  await new BulkAccounts(seeder, tokens, clock).seed(request(['password-a', 'password-a', 'password-b']));
  const [a0, a1, b] = seeder.calls[0]!.users.map((u) => u.passwordHash);
  assert.equal(a0, a1);
  assert.notEqual(a0, b);
  assert.ok(await verifyPassword('password-a', a0!));
  assert.ok(await verifyPassword('password-b', b!));
  assert.ok(!(await verifyPassword('password-b', a0!)));
  assert.deepEqual(seeder.calls[0]!.friendships, [{ a: 0, b: 1 }]);
  assert.equal(seeder.calls[0]!.users[0]!.displayName, 'bulk0');
});

test('each user gets a token for its own id when asked, none otherwise', async () => {
  const withTokens = await new BulkAccounts(new RecordingSeeder(), tokens, clock).seed(
    request(['password-a', 'password-a']),
  );
  assert.deepEqual(
    withTokens.users.map((u) => tokens.verify(u.token, clock.nowMs()).userId),
    ['u_0', 'u_1'],
  );
  const without = await new BulkAccounts(new RecordingSeeder(), tokens, clock).seed(
    request(['password-a', 'password-a'], false),
  );
  assert.deepEqual(
    without.users.map((u) => u.token),
    ['', ''],
  );
});

test('a bad username or password is named by its index and nothing is seeded', async () => {
  const seeder = new RecordingSeeder();
  const accounts = new BulkAccounts(seeder, tokens, clock);
  const bad = request(['password-a', 'short']);
  await assert.rejects(accounts.seed(bad), (err: unknown) => {
    assert.ok(isDomainError(err));
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, /^users\[1\]\.password: must be at least 8 characters/);
    return true;
  });
  bad.users[1] = { username: 'Not Valid', displayName: '', password: 'password-a' };
  await assert.rejects(accounts.seed(bad), /users\[1\]\.username/);
  await assert.rejects(accounts.seed({ ...bad, users: [] }), /users: at least one user/);
  assert.equal(seeder.calls.length, 0);
});
