// Flow 4: AddGroupMember over HTTP stores a group_members row, publishes group.member.joined on
// gochat.notifications, and every member, the new one included, receives "group.member.changed". Only the owner
// or an admin may add: anyone else gets 403 NOT_AN_ADMIN.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();

describe('group membership changes', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test('the owner adds a member: row, event, and a signal to every member including the new one', async () => {
    const gw = sys.gateways[0]!.httpAddress;
    const owner = await TestUser.register(gw, 'owner');
    const member = await TestUser.register(gw, 'member');
    const joiner = await TestUser.register(gw, 'joiner');
    const outsider = await TestUser.register(gw, 'outsider');
    // Whoever adds a user to a group must be their friend.
    await owner.befriend(member);
    await owner.befriend(joiner);
    const groupId = await owner.createGroup('climbing', [member]);
    const sessions = await Promise.all([owner.connect(), member.connect(), joiner.connect(), outsider.connect()]);
    const [ownerWs, memberWs, joinerWs, outsiderWs] = sessions;

    const refused = await member.call('POST', `/api/groups/${groupId}/members`, { userId: outsider.userId });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'NOT_AN_ADMIN');

    const added = await owner.call('POST', `/api/groups/${groupId}/members`, { userId: joiner.userId });
    assert.equal(added.status, 201);
    assert.equal(added.body.member.userId, joiner.userId);
    assert.equal(added.body.member.role, 'member');
    assert.equal(added.body.memberCount, 3);

    const row = sys
      .db()
      .prepare('SELECT role, joined_seq FROM group_members WHERE group_id = ? AND user_id = ?')
      .get(groupId, joiner.userId) as { role: number; joined_seq: number } | undefined;
    assert.ok(row, 'group_members has the new row');

    const joined = await sys.waitForEvent(
      'gochat.notifications',
      'group.member.joined',
      (e) => e.message.userId === joiner.userId,
    );
    assert.equal(joined.key, groupId, 'notifications are keyed by group id');
    assert.equal(joined.message.operatorId, owner.userId);
    assert.equal(joined.message.memberCount, 3);

    for (const ws of [ownerWs!, memberWs!, joinerWs!]) {
      const signal = await ws.waitFor(
        (f) => f.type === 'signal' && f.signalType === 'group.member.changed' && f.payload.userId === joiner.userId,
        { what: `group.member.changed at ${ws.user.username}` },
      );
      assert.equal(signal.payload.groupId, groupId);
      assert.equal(signal.payload.change, 'joined');
      assert.equal(signal.cause.eventType, 'group.member.joined');
    }

    const members = await joiner.call('GET', `/api/groups/${groupId}/members`);
    assert.equal(members.status, 200);
    assert.deepEqual(
      members.body.members.map((m: any) => m.userId).sort(),
      [owner.userId, member.userId, joiner.userId].sort(),
    );
    const joinerGroups = await joiner.call('GET', '/api/groups');
    assert.deepEqual(
      joinerGroups.body.groups.map((g: any) => [g.groupId, g.memberCount]),
      [[groupId, 3]],
    );
    // Adding again is not an error and changes nothing.
    const again = await owner.call('POST', `/api/groups/${groupId}/members`, { userId: joiner.userId });
    assert.equal(again.status, 200);
    assert.equal(again.body.alreadyMember, true);

    const joinedEvents = await sys.readEvents('gochat.notifications', 'group.member.joined');
    assert.ok(!joinedEvents.some((e) => e.message.userId === outsider.userId), 'the refused add published nothing');
    // The outsider heard nothing about a group it is not in (checked after everyone else got their signal).
    assert.equal(outsiderWs!.received((f) => f.signalType === 'group.member.changed').length, 0);
  });
});
