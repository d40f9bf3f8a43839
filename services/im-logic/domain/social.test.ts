import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupRole, PresenceStatus } from '../../../proto/gen/gochat/common/v1/common';
import { isDomainError } from './errors';
import { Groups } from './groups';
import { Friendships } from './social';
import { FakeRepo, RecordingPublisher } from './test-fakes';

function setup() {
  const repo = new FakeRepo();
  const events = new RecordingPublisher();
  const [alice, bob, carol, dan] = ['alice', 'bob', 'carol', 'dan'].map((n) => repo.addUser(n));
  if (!alice || !bob || !carol || !dan) throw new Error('users');
  return {
    repo,
    events,
    groups: new Groups(repo, repo, events, repo),
    friends: new Friendships(repo, repo, repo, events),
    alice,
    bob,
    carol,
    dan,
  };
}

function reason(expected: string) {
  return (err: unknown) => isDomainError(err) && err.code === expected;
}

describe('friendship by consent', () => {
  test('a request waits for the answer; the recipient is told, and the requester is told of the acceptance', async () => {
    const { repo, friends, events, alice, bob, carol } = setup();
    assert.equal(await friends.request(alice.userId, bob.userId, {}), 'pending');
    assert.deepEqual(await repo.areFriends([{ userId: alice.userId, friendId: bob.userId }]), [false]);
    assert.deepEqual(
      events.ofKind('friend.requested').map((e) => e.event),
      [{ fromUserId: alice.userId, toUserId: bob.userId, requestedAtMs: 6 }],
    );
    const pending = await friends.requests(bob.userId);
    assert.deepEqual(
      pending.incoming.map((r) => r.fromUser?.userId),
      [alice.userId],
    );
    assert.equal(await friends.answer(bob.userId, alice.userId, true, {}), true);
    assert.deepEqual(await repo.areFriends([{ userId: alice.userId, friendId: bob.userId }]), [true]);
    assert.deepEqual(
      events.ofKind('friend.accepted').map((e) => e.event),
      [{ fromUserId: alice.userId, toUserId: bob.userId, acceptedAtMs: 8 }],
    );
    // A declined request befriends nobody and tells nobody; answering twice is NOT_FOUND.
    await friends.request(carol.userId, bob.userId, {});
    assert.equal(await friends.answer(bob.userId, carol.userId, false, {}), false);
    assert.equal(events.ofKind('friend.accepted').length, 1);
    await assert.rejects(friends.answer(bob.userId, carol.userId, true, {}), reason('NOT_FOUND'));
    // Asking someone who had asked you is the consent.
    await friends.request(carol.userId, alice.userId, {});
    assert.equal(await friends.request(alice.userId, carol.userId, {}), 'accepted');
    assert.deepEqual(events.ofKind('friend.accepted').at(-1)?.event, {
      fromUserId: carol.userId,
      toUserId: alice.userId,
      acceptedAtMs: 7,
    });
    await assert.rejects(friends.request(alice.userId, alice.userId, {}), reason('INVALID_ARGUMENT'));
    await assert.rejects(friends.request(alice.userId, 'u_nobody', {}), reason('NOT_FOUND'));
  });
});

describe('friends', () => {
  test('adding is mutual, listing shows presence', async () => {
    const { repo, friends, alice, bob, carol } = setup();
    assert.equal(await friends.add(alice.userId, bob.userId), true);
    assert.equal(await friends.add(bob.userId, alice.userId), false);
    await friends.add(alice.userId, carol.userId);
    repo.online.add(bob.userId);
    const list = await friends.list(alice.userId);
    const status = Object.fromEntries(list.map((f) => [f.user.username, f.status]));
    assert.deepEqual(status, {
      bob: PresenceStatus.PRESENCE_STATUS_ONLINE,
      carol: PresenceStatus.PRESENCE_STATUS_OFFLINE,
    });
    assert.equal(await friends.remove(bob.userId, alice.userId), true);
    assert.deepEqual(
      (await friends.list(alice.userId)).map((f) => f.user.username),
      ['carol'],
    );
  });

  test('unknown users and self-friendship are refused', async () => {
    const { friends, alice } = setup();
    await assert.rejects(friends.add(alice.userId, 'ghost'), reason('NOT_FOUND'));
    await assert.rejects(friends.add(alice.userId, alice.userId), reason('INVALID_ARGUMENT'));
  });

  test('search finds the user with exactly that username, and lists nobody else', async () => {
    const { repo, friends } = setup();
    repo.addUser('carolyn');
    assert.deepEqual(
      (await friends.search(' CAROL ', 0)).map((u) => u.username),
      ['carol'],
    );
    assert.deepEqual(await friends.search('a', 100), []);
    await assert.rejects(friends.search('  ', 0), reason('INVALID_ARGUMENT'));
  });
});

describe('groups', () => {
  test("a group takes only the adder's friends", async () => {
    const { repo, groups, alice, bob, carol } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    await assert.rejects(
      groups.create({ operatorId: alice.userId, name: 'g', memberIds: [bob.userId, carol.userId] }, {}),
      (err: unknown) => reason('NOT_FRIENDS')(err) && /carol|u3/.test((err as Error).message),
    );
    const { group } = await groups.create({ operatorId: alice.userId, name: 'g', memberIds: [bob.userId] }, {});
    await assert.rejects(
      groups.addMember({ operatorId: alice.userId, groupId: group.groupId, userId: carol.userId, role: 0 }, {}),
      reason('NOT_FRIENDS'),
    );
  });

  test('only the owner or an admin adds members; the join is published once', async () => {
    const { repo, events, groups, alice, bob, carol, dan } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    await repo.addFriend(alice.userId, carol.userId);
    await repo.addFriend(carol.userId, dan.userId);
    const { group } = await groups.create(
      { operatorId: alice.userId, name: ' team ', memberIds: [bob.userId, alice.userId] },
      {},
    );
    assert.equal(group.name, 'team');
    assert.equal(events.ofKind('joined').length, 1, 'the initial member is announced; the owner is not');
    events.events.length = 0;

    await assert.rejects(
      groups.addMember({ operatorId: bob.userId, groupId: group.groupId, userId: carol.userId, role: 0 }, {}),
      reason('NOT_AN_ADMIN'),
    );
    await assert.rejects(
      groups.addMember({ operatorId: alice.userId, groupId: 'missing', userId: carol.userId, role: 0 }, {}),
      reason('NOT_FOUND'),
    );
    await assert.rejects(
      groups.addMember({ operatorId: alice.userId, groupId: group.groupId, userId: 'ghost', role: 0 }, {}),
      reason('NOT_FOUND'),
    );
    assert.equal(events.events.length, 0);

    const added = await groups.addMember(
      { operatorId: alice.userId, groupId: group.groupId, userId: carol.userId, role: GroupRole.GROUP_ROLE_ADMIN },
      {},
    );
    assert.equal(added.alreadyMember, false);
    assert.equal(added.memberCount, 3);
    const [joined] = events.ofKind('joined');
    assert.deepEqual(joined?.event, {
      groupId: group.groupId,
      userId: carol.userId,
      role: GroupRole.GROUP_ROLE_ADMIN,
      operatorId: alice.userId,
      joinedSeq: 1,
      memberCount: 3,
    });
    // An admin may add members, and adding someone twice publishes nothing more.
    await groups.addMember({ operatorId: carol.userId, groupId: group.groupId, userId: dan.userId, role: 0 }, {});
    const again = await groups.addMember(
      { operatorId: carol.userId, groupId: group.groupId, userId: dan.userId, role: 0 },
      {},
    );
    assert.equal(again.alreadyMember, true);
    assert.equal(events.ofKind('joined').length, 2);
    await assert.rejects(
      groups.addMember(
        { operatorId: alice.userId, groupId: group.groupId, userId: bob.userId, role: GroupRole.GROUP_ROLE_OWNER },
        {},
      ),
      reason('INVALID_ARGUMENT'),
    );
  });

  test('members may list members; others may not', async () => {
    const { repo, groups, alice, bob, dan } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    const { group } = await groups.create({ operatorId: alice.userId, name: 'g', memberIds: [bob.userId] }, {});
    const listed = await groups.listMembers(bob.userId, group.groupId);
    assert.deepEqual(listed.users.map((u) => u.username).sort(), ['alice', 'bob']);
    await assert.rejects(groups.listMembers(dan.userId, group.groupId), reason('NOT_A_MEMBER'));
    assert.deepEqual(
      (await groups.userGroups(bob.userId)).map((g) => g.groupId),
      [group.groupId],
    );
    await assert.rejects(
      groups.create({ operatorId: alice.userId, name: 'g', memberIds: ['ghost'] }, {}),
      reason('NOT_FOUND'),
    );
  });
});
