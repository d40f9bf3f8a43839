// Bulk seeding through im-repo's Seeder on a real SQLite file: what it stores is what the one-by-one use cases
// read back, it is all or nothing, and repeating it is harmless.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupRole } from '../../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument } from '../../../../lib/errors';
import { GroupRoster } from '../../domain/groups';
import { Seeder, type SeedRequest } from '../../domain/seeding';
import { Friendships, UserDirectory } from '../../domain/users';
import { openDatabase } from './database';
import { SqliteFriendStore } from './friend-store';
import { SqliteGroupStore } from './group-store';
import { SqliteSeedStore } from './seed-store';
import { SqliteUserStore } from './user-store';

const dir = mkdtempSync(join(tmpdir(), 'im-repo-seed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clock = { ms: 1_000, now: () => ++clock.ms };

function open(name: string) {
  const db = openDatabase(join(dir, `${name}.db`));
  const users = new UserDirectory(new SqliteUserStore(db), clock);
  return {
    db,
    users,
    seeder: new Seeder(new SqliteSeedStore(db), clock),
    friends: new Friendships(new SqliteFriendStore(db), users, clock),
    groups: new GroupRoster(new SqliteGroupStore(db), users, clock),
  };
}

const request = (count: number, hash = 'scrypt$shared'): SeedRequest => ({
  users: Array.from({ length: count }, (_, i) => ({ username: `seed${i}`, displayName: '', passwordHash: hash })),
  friendships: [],
  groups: [],
});

test('users, friendships and a group are stored and read back by the ordinary use cases', () => {
  const repo = open('basic');
  const seeded = repo.seeder.seed({
    ...request(4),
    friendships: [
      { a: 0, b: 1 },
      { a: 0, b: 2 },
    ],
    groups: [{ name: 'climbers', owner: 3, members: [0, 1, 3, 1] }],
  });
  assert.deepEqual(seeded.created, [true, true, true, true]);
  assert.deepEqual(
    seeded.users.map((u) => [u.username, u.displayName]),
    [0, 1, 2, 3].map((i) => [`seed${i}`, `seed${i}`]),
  );
  const [u0, u1, u2, u3] = seeded.users.map((u) => u.userId);
  assert.equal(repo.users.getCredential('seed2').passwordHash, 'scrypt$shared');
  assert.deepEqual(
    repo.friends
      .list(u0!)
      .map((f) => f.user.userId)
      .sort(),
    [u1, u2].sort(),
  );
  assert.deepEqual(
    repo.friends.list(u1!).map((f) => f.user.userId),
    [u0],
  );
  const group = seeded.groups[0]!;
  assert.equal(group.memberCount, 3);
  assert.equal(group.ownerId, u3);
  const members = repo.groups.members(group.groupId);
  assert.deepEqual(members.map((m) => m.userId).sort(), [u0, u1, u3].sort());
  assert.equal(members.find((m) => m.userId === u3)?.role, GroupRole.GROUP_ROLE_OWNER);
  assert.ok(members.every((m) => m.joinedSeq === 1));
  repo.db.close();
});

test('an existing username is returned as it is, with its password unchanged', () => {
  const repo = open('again');
  const first = repo.seeder.seed(request(2, 'hash-one'));
  const second = repo.seeder.seed({ ...request(3, 'hash-two'), friendships: [{ a: 0, b: 2 }] });
  assert.deepEqual(second.created, [false, false, true]);
  assert.equal(second.users[0]!.userId, first.users[0]!.userId);
  assert.equal(repo.users.getCredential('seed0').passwordHash, 'hash-one');
  assert.equal(repo.users.getCredential('seed2').passwordHash, 'hash-two');
  assert.deepEqual(
    repo.friends.list(first.users[0]!.userId).map((f) => f.user.username),
    ['seed2'],
  );
  repo.db.close();
});

test('a bad entry is named and nothing of the batch is stored', () => {
  const repo = open('bad');
  assert.throws(
    () => repo.seeder.seed({ ...request(3), friendships: [{ a: 0, b: 7 }] }),
    (err: unknown) => err instanceof InvalidArgument && /friendships\[0\]\.b is 7/.test(err.message),
  );
  assert.throws(
    () =>
      repo.seeder.seed({
        ...request(2),
        users: [...request(2).users, { username: 'x', displayName: '', passwordHash: 'h' }],
      }),
    (err: unknown) => err instanceof InvalidArgument && /users\[2\]\.username "x"/.test(err.message),
  );
  assert.throws(() => repo.seeder.seed(request(5001)), /users: at most 5000 per call, got 5001/);
  assert.equal(repo.users.listUsers(10, '').users.length, 0);
  repo.db.close();
});

test('5,000 users in a 5,000-member group are stored in one call', () => {
  const repo = open('big');
  const seeded = repo.seeder.seed({
    ...request(5000),
    groups: [{ name: 'everyone', owner: 0, members: Array.from({ length: 5000 }, (_, i) => i) }],
  });
  assert.equal(seeded.users.length, 5000);
  assert.equal(seeded.groups[0]!.memberCount, 5000);
  assert.equal(repo.groups.members(seeded.groups[0]!.groupId).length, 5000);
  repo.db.close();
});
