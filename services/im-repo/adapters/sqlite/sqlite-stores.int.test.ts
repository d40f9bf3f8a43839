// The SQLite stores through im-repo's use cases, on real database files in temp dirs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, GroupRole, type ChatMessage } from '../../../../proto/gen/gochat/common/v1/common';
import { AlreadyExists, InvalidArgument, NotFound } from '../../../../lib/errors';
import { GroupRoster } from '../../domain/groups';
import { ConversationLog } from '../../domain/messages';
import { Friendships, UserDirectory } from '../../domain/users';
import { openDatabase, type SqliteDatabase } from './database';
import { SqliteFriendStore } from './friend-store';
import { SqliteGroupStore } from './group-store';
import { GroupCommit } from './group-commit';
import { SqliteMessageStore } from './message-store';
import { SqliteUserStore } from './user-store';
import { MIGRATIONS } from './migrations';

interface Repo {
  db: SqliteDatabase;
  users: UserDirectory;
  friends: Friendships;
  groups: GroupRoster;
  log: ConversationLog;
}

const clock = { ms: 1_000, now: () => ++clock.ms };

function open(path: string): Repo {
  const db = openDatabase(path);
  const userStore = new SqliteUserStore(db);
  const groupStore = new SqliteGroupStore(db);
  const users = new UserDirectory(userStore, clock);
  const friendStore = new SqliteFriendStore(db);
  return {
    db,
    users,
    friends: new Friendships(friendStore, users, clock),
    groups: new GroupRoster(groupStore, users, clock),
    log: new ConversationLog(new SqliteMessageStore(db), userStore, groupStore, friendStore, clock),
  };
}

function text(conversationId: string, senderId: string, clientMsgId: string, body = clientMsgId): ChatMessage {
  return {
    messageId: '',
    conversationId,
    conversationType: ConversationType.CONVERSATION_TYPE_UNSPECIFIED,
    seq: 0,
    senderId,
    clientMsgId,
    contentType: 'text/plain',
    body,
    sentAtMs: 0,
  };
}

const P2P = 'p2p:alice:bob';

describe('SQLite stores', () => {
  let dir: string;
  let path: string;
  let repo: Repo;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'im-repo-sqlite-'));
    path = join(dir, 'nested', 'gochat.db');
    repo = open(path);
    for (const name of ['alice', 'bob', 'carol']) {
      repo.users.createUser({
        username: name,
        displayName: name.toUpperCase(),
        passwordHash: 'scrypt$x',
        userId: name,
      });
    }
  });
  after(() => {
    repo.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the schema is migrated once and reopening is safe', () => {
    assert.equal(repo.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(repo.db.pragma('journal_mode', { simple: true }), 'wal');
  });

  test('users: usernames follow the registration rule, are unique, credentials are found by username', () => {
    assert.throws(
      () => repo.users.createUser({ username: 'alice', displayName: '', passwordHash: 'h', userId: '' }),
      (err) => err instanceof AlreadyExists && err.code === 'USERNAME_TAKEN',
    );
    // The same rule as im-logic's registration (lib/limits.ts): no upper case, so no case-folded duplicates.
    assert.throws(
      () => repo.users.createUser({ username: 'ALICE', displayName: '', passwordHash: 'h', userId: '' }),
      /username "ALICE"/,
    );
    assert.throws(
      () => repo.users.createUser({ username: 'a b', displayName: '', passwordHash: 'h', userId: '' }),
      /username "a b"/,
    );
    assert.equal(repo.users.getCredential('bob').passwordHash, 'scrypt$x');
    assert.equal(repo.users.getCredential('bob').user.displayName, 'BOB');
    assert.throws(() => repo.users.getCredential('nobody'), NotFound);
    assert.deepEqual(
      repo.users.getUsers(['bob', 'ghost', 'alice']).map((u) => u.userId),
      ['bob', 'alice'],
    );
    const first = repo.users.listUsers(2, '');
    assert.deepEqual(
      first.users.map((u) => u.userId),
      ['alice', 'bob'],
    );
    assert.equal(first.nextCursor, 'bob');
    assert.deepEqual(repo.users.listUsers(2, first.nextCursor), {
      users: repo.users.getUsers(['carol']),
      nextCursor: '',
    });
  });

  test('friendship is mutual, and adding twice is not an error', () => {
    assert.equal(repo.friends.add('alice', 'bob'), true);
    assert.equal(repo.friends.add('bob', 'alice'), false);
    assert.deepEqual(
      repo.friends.list('bob').map((f) => f.user.userId),
      ['alice'],
    );
    assert.throws(() => repo.friends.add('alice', 'ghost'), /friend_id: no user "ghost"/);
    assert.throws(() => repo.friends.add('alice', 'alice'), InvalidArgument);
    assert.equal(repo.friends.remove('bob', 'alice'), true);
    assert.deepEqual(repo.friends.list('alice'), []);
  });

  test('friendship by consent: a request waits for its answer; a reverse request or an accept befriends', () => {
    const ids = (list: { fromUser?: { userId: string }; toUser?: { userId: string } }[]) =>
      list.map((r) => `${r.fromUser?.userId}->${r.toUser?.userId}`);
    assert.equal(repo.friends.request('alice', 'carol').outcome, 'pending');
    assert.equal(repo.friends.request('alice', 'carol').outcome, 'pending', 'asking twice is one request');
    assert.deepEqual(ids(repo.friends.requests('carol').incoming), ['alice->carol']);
    assert.deepEqual(ids(repo.friends.requests('alice').outgoing), ['alice->carol']);
    assert.deepEqual(repo.friends.areFriends([{ userId: 'alice', friendId: 'carol' }]), [false]);
    // Only the recipient can answer it.
    assert.equal(repo.friends.answer('alice', 'carol', true).found, false);
    assert.equal(repo.friends.answer('carol', 'alice', false).accepted, false);
    assert.deepEqual(repo.friends.areFriends([{ userId: 'alice', friendId: 'carol' }]), [false]);
    assert.deepEqual(repo.friends.requests('carol').incoming, []);
    repo.friends.request('alice', 'carol');
    assert.equal(repo.friends.answer('carol', 'alice', true).accepted, true);
    assert.deepEqual(repo.friends.areFriends([{ userId: 'carol', friendId: 'alice' }]), [true]);
    assert.equal(repo.friends.request('carol', 'alice').outcome, 'already_friends');
    repo.friends.remove('alice', 'carol');
    // Both asked: the second request is the consent.
    assert.equal(repo.friends.request('bob', 'carol').outcome, 'pending');
    assert.equal(repo.friends.request('carol', 'bob').outcome, 'accepted');
    assert.deepEqual(repo.friends.requests('bob'), { incoming: [], outgoing: [] });
    assert.throws(() => repo.friends.request('bob', 'ghost'), /to_user_id: no user "ghost"/);
    assert.throws(() => repo.friends.request('bob', 'bob'), InvalidArgument);
    repo.friends.remove('bob', 'carol');
  });

  test('a retried send returns the original message and stores nothing twice', () => {
    const first = repo.log.save(text(P2P, 'alice', 'm-1', 'hello'));
    assert.equal(first.duplicate, false);
    assert.equal(first.message.seq, 1);
    assert.equal(first.message.conversationType, ConversationType.CONVERSATION_TYPE_P2P);
    const retry = repo.log.save(text(P2P, 'alice', 'm-1', 'hello (resent)'));
    assert.equal(retry.duplicate, true);
    assert.deepEqual(retry.message, first.message);
    // The same client id from another sender is another message.
    const other = repo.log.save(text(P2P, 'bob', 'm-1'));
    assert.equal(other.duplicate, false);
    assert.equal(other.message.seq, 2);
    assert.equal(repo.log.pull(P2P, 0, 0, 0).messages.length, 2);
  });

  test('a duplicate says whether the original was dispatched, so a send that died after storing is delivered', () => {
    const DISPATCH_CONV = 'p2p:alice:zed';
    const first = repo.log.save(text(DISPATCH_CONV, 'alice', 'd-1'));
    assert.equal(first.dispatched, false);
    const beforeMark = repo.log.save(text(DISPATCH_CONV, 'alice', 'd-1'));
    assert.deepEqual([beforeMark.duplicate, beforeMark.dispatched], [true, false]);
    assert.deepEqual(repo.log.markDispatched(first.message.messageId), { marked: true });
    assert.deepEqual(repo.log.markDispatched(first.message.messageId), { marked: false });
    const afterMark = repo.log.save(text(DISPATCH_CONV, 'alice', 'd-1'));
    assert.deepEqual([afterMark.duplicate, afterMark.dispatched], [true, true]);
    assert.deepEqual(repo.log.markDispatched('no-such-message'), { marked: false });
    assert.throws(() => repo.log.markDispatched(''), /message_id is required/);
  });

  test('a batch is stored in order in one commit, a refused message alone is left out, marks ride along', async () => {
    const CONV = 'p2p:alice:batch';
    const first = repo.log.save(text(CONV, 'alice', 'b-0'));
    const { results } = await repo.log.saveMany(
      [text(CONV, 'alice', 'b-1'), text(CONV, '', 'b-bad'), text(CONV, 'alice', 'b-2'), text(CONV, 'alice', 'b-1')],
      [first.message.messageId],
    );
    assert.deepEqual(
      results.map((r) => (r.saved ? [r.saved.message.seq, r.saved.duplicate] : r.refused)),
      [[2, false], 'messages[1]: message.sender_id is required', [3, false], [2, true]],
    );
    assert.equal(repo.log.save(text(CONV, 'alice', 'b-0')).dispatched, true);
    assert.equal(
      await repo.log.indexMany(
        results.flatMap((r) => (r.saved ? [{ message: r.saved.message, memberIds: ['alice'] }] : [])),
      ),
      3,
    );
  });

  test('with membership required, a group message from a non-member or to no group is refused; members come back', async () => {
    for (const name of ['gma', 'gmb', 'gmc']) {
      repo.users.createUser({ username: name, displayName: '', passwordHash: 'h', userId: name });
    }
    repo.groups.create({ name: 'GM', ownerId: 'gma', memberIds: ['gmb'], groupId: 'gm-team' });
    const team = 'group:gm-team';
    const { results, groupMembers } = await repo.log.saveMany(
      [
        text(team, 'gma', 'g-1'),
        text(team, 'gmc', 'g-2'),
        text('group:gm-none', 'gma', 'g-3'),
        text(team, 'gmb', 'g-4'),
      ],
      [],
      { requireGroupMembership: true },
    );
    assert.deepEqual(
      results.map((r) => [r.saved?.message.seq ?? r.refused, r.notMember, r.noSuchGroup]),
      [
        [1, false, false],
        ['messages[1]: the sender is not a member of group gm-team', true, false],
        ['messages[2]: group gm-none does not exist', false, true],
        [2, false, false],
      ],
    );
    assert.deepEqual(groupMembers, [{ groupId: 'gm-team', userIds: ['gma', 'gmb'] }], 'once per group stored to');
    assert.equal(repo.log.pull(team, 0, 0, 10).maxSeq, 2, 'nothing of the refused message was stored');
    const unchecked = await repo.log.saveMany([text(team, 'gmc', 'g-2')], []);
    assert.equal(unchecked.results[0]?.saved?.message.seq, 3, 'without the flag the store does not ask');
    assert.deepEqual(unchecked.groupMembers, []);
  });

  test('with friendship required, a p2p message between non-friends is refused and nothing of it stored', async () => {
    for (const name of ['fra', 'frb', 'frc']) {
      repo.users.createUser({ username: name, displayName: '', passwordHash: 'h', userId: name });
    }
    repo.friends.add('fra', 'frb');
    const friendly = 'p2p:fra:frb';
    const strangers = 'p2p:frb:frc';
    const { results } = await repo.log.saveMany(
      [text(friendly, 'fra', 'f-1'), text(strangers, 'frc', 'f-2'), text(friendly, 'frc', 'f-3')],
      [],
      { requireP2pFriendship: true },
    );
    assert.deepEqual(
      results.map((r) => [r.saved?.message.seq ?? r.refused, r.notFriends]),
      [
        [1, false],
        ['messages[1]: sender and peer are not friends', true],
        ['messages[2]: sender and peer are not friends', true],
      ],
      'a sender outside the conversation is refused the same way',
    );
    assert.equal(repo.log.pull(strangers, 0, 0, 10).maxSeq, 0);
    const unchecked = await repo.log.saveMany([text(strangers, 'frc', 'f-2')], []);
    assert.equal(unchecked.results[0]?.saved?.message.seq, 1, 'without the flag the store does not ask');
  });

  test('indexing a batch lists the conversation for every member of any of its messages, once each', async () => {
    const CONV = 'p2p:fra:frc';
    const [m1, m2] = [text(CONV, 'fra', 'ix-1'), text(CONV, 'frc', 'ix-2')].map((m) => repo.log.save(m).message);
    const ghost = { ...(m2 as ChatMessage), seq: 99 };
    const indexed = await repo.log.indexMany([
      { message: m1, memberIds: ['fra', 'frb'] }, // frb only in the older one (say they left since)
      { message: m2, memberIds: ['fra', 'frc'] },
      { message: ghost, memberIds: ['fra', 'frc'] }, // not stored: left out of the count, nothing breaks
    ]);
    assert.equal(indexed, 2);
    for (const user of ['fra', 'frb', 'frc']) {
      assert.ok(
        repo.log.userConversations(user).some((c) => c.conversationId === CONV),
        `${user} has the conversation listed`,
      );
    }
  });

  test('indexing a run of one conversation counts the older messages with one read of their seqs', async () => {
    const CONV = 'p2p:fra:frb';
    const saved = ['ix-run-1', 'ix-run-2', 'ix-run-3', 'ix-run-4'].map(
      (id) => repo.log.save(text(CONV, 'fra', id)).message as ChatMessage,
    );
    // The second one is gone (as if never stored): the newest proves itself, the older three are looked up.
    repo.db.prepare('DELETE FROM messages WHERE message_id = ?').run(saved[1]?.messageId);
    const indexed = await repo.log.indexMany(saved.map((message) => ({ message, memberIds: ['fra', 'frb'] })));
    assert.equal(indexed, 3);
    const listed = repo.log.userConversations('frb').find((c) => c.conversationId === CONV);
    assert.equal(listed?.maxSeq, saved[3]?.seq);
  });

  test('concurrent units of work share one commit, and one that throws is rolled back alone', async () => {
    repo.db.exec('CREATE TABLE group_commit_probe (x INTEGER)');
    const insert = repo.db.prepare('INSERT INTO group_commit_probe (x) VALUES (?)');
    const commits = new GroupCommit(repo.db);
    const outcomes = await Promise.allSettled([
      commits.run(() => insert.run(1)),
      commits.run(() => {
        insert.run(2);
        throw new Error('unit 2 fails');
      }),
      commits.run(() => insert.run(3)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const rows = repo.db.prepare('SELECT x FROM group_commit_probe ORDER BY x').all() as Array<{ x: number }>;
    assert.deepEqual(
      rows.map((r) => r.x),
      [1, 3],
    );
    await assert.rejects(repo.log.saveMany([], ['not an id!']), /dispatched_message_ids\[0\]/);
  });

  test('bad messages are refused naming the field', () => {
    assert.throws(() => repo.log.save(text('dm:alice', 'alice', 'x')), /message.conversation_id "dm:alice"/);
    assert.throws(() => repo.log.save(text(P2P, '', 'x')), /message.sender_id is required/);
    assert.throws(() => repo.log.save(text(P2P, 'alice', '')), /message.client_msg_id: is required/);
    // The client-facing rules are the gateway's and im-logic's (lib/limits.ts): the body counts UTF-8 bytes (6,000
    // euro signs are 18,000 bytes), and a clientMsgId keeps to [A-Za-z0-9_.:-] and 64 characters.
    assert.throws(
      () => repo.log.save({ ...text(P2P, 'alice', 'euros'), body: '\u20ac'.repeat(6000) }),
      (err: Error & { code?: string }) => err.code === 'BODY_TOO_LARGE' && /18000 bytes/.test(err.message),
    );
    assert.throws(() => repo.log.save(text(P2P, 'alice', 'has space')), /message.client_msg_id: must be 1-64/);
    assert.throws(() => repo.log.save(text(P2P, 'alice', 'x'.repeat(65))), /message.client_msg_id: must be 1-64/);
    assert.throws(
      () => repo.log.save({ ...text(P2P, 'alice', 'x'), conversationType: ConversationType.CONVERSATION_TYPE_GROUP }),
      /conversation_type/,
    );
    assert.throws(() => repo.log.save(undefined), /message is required/);
  });

  test('seqs never repeat across a reopen, including reserved ones', () => {
    const conv = 'p2p:alice:carol';
    const seqs = [1, 2, 3].map((i) => repo.log.save(text(conv, 'alice', `reopen-${i}`)).message.seq);
    assert.deepEqual(seqs, [1, 2, 3]);
    assert.deepEqual(repo.log.allocateSeqs(conv, 5), { firstSeq: 4, lastSeq: 8 });
    repo.db.close();
    repo = open(path);
    const after = repo.log.save(text(conv, 'carol', 'reopen-4'));
    assert.equal(after.message.seq, 9);
    assert.equal(repo.log.save(text(conv, 'alice', 'reopen-1')).duplicate, true, 'dedup survives the reopen too');
    assert.deepEqual(repo.log.maxSeqs([conv, 'group:none']), [
      { conversationId: conv, maxSeq: 9 },
      { conversationId: 'group:none', maxSeq: 0 },
    ]);
  });

  test('pull returns a seq range oldest first, bounded by limit', () => {
    const conv = 'p2p:bob:carol';
    for (let i = 1; i <= 5; i++) repo.log.save(text(conv, 'bob', `pull-${i}`));
    assert.deepEqual(
      repo.log.pull(conv, 2, 4, 0).messages.map((m) => m.seq),
      [2, 3, 4],
    );
    assert.deepEqual(
      repo.log.pull(conv, 3, 0, 2).messages.map((m) => m.seq),
      [3, 4],
    );
    assert.equal(repo.log.pull(conv, 0, 0, 0).maxSeq, 5);
    assert.throws(() => repo.log.pull(conv, 4, 2, 0), /to_seq 2 is before from_seq 4/);
    assert.throws(() => repo.log.pull(conv, 0, 0, 5000), /limit must be an integer from 1 to 1000/);
  });

  test('a page also ends once its bodies reach 1 MiB, but always holds a message', () => {
    const conv = 'p2p:carol:dave';
    const body = 'x'.repeat(16 * 1024);
    for (let i = 1; i <= 100; i++) repo.log.save(text(conv, 'carol', `big-${i}`, body));
    const first = repo.log.pull(conv, 1, 0, 1000);
    assert.deepEqual(
      first.messages.map((m) => m.seq),
      Array.from({ length: 64 }, (_, i) => i + 1),
      '64 bodies of 16 KiB make 1 MiB',
    );
    assert.equal(first.maxSeq, 100);
    assert.equal(repo.log.pull(conv, 65, 0, 1000).messages.length, 36);
    assert.equal(repo.log.pull(conv, 1, 0, 10).messages.length, 10, 'the count limit still applies first');
  });

  test('the read pointer only moves forward and never past the max seq', () => {
    const conv = 'p2p:alice:bob'; // max seq 2 from the dedup test
    assert.deepEqual(repo.log.updateReadPointer('bob', conv, 1), {
      readSeq: 1,
      previousReadSeq: 0,
      advanced: true,
      maxSeq: 2,
    });
    assert.deepEqual(repo.log.updateReadPointer('bob', conv, 99), {
      readSeq: 2,
      previousReadSeq: 1,
      advanced: true,
      maxSeq: 2,
    });
    assert.deepEqual(repo.log.updateReadPointer('bob', conv, 1), {
      readSeq: 2,
      previousReadSeq: 2,
      advanced: false,
      maxSeq: 2,
    });
    assert.throws(() => repo.log.updateReadPointer('bob', conv, -1), /seq must be an integer/);
    assert.deepEqual(
      repo.log.readPointers('bob', [conv, 'p2p:bob:carol']).map((p) => [p.conversationId, p.readSeq]),
      [
        [conv, 2],
        ['p2p:bob:carol', 0],
      ],
    );
  });

  test('conversations list unread counts that exclude own messages and history before a join', () => {
    const conv = 'p2p:alice:bob';
    repo.db.close();
    repo = open(path);
    for (let i = 1; i <= 3; i++) {
      const saved = repo.log.save(text(conv, 'alice', `unread-${i}`)).message;
      assert.equal(repo.log.index(saved, ['alice', 'bob']), 2);
      assert.equal(repo.log.index(saved, ['alice', 'bob']), 2, 'indexing twice is harmless');
    }
    const bobs = repo.log.userConversations('bob');
    assert.deepEqual(
      bobs.map((c) => [
        c.conversationId,
        c.peerId,
        c.title,
        c.maxSeq,
        c.readSeq,
        c.unreadCount,
        c.lastMessage?.clientMsgId,
      ]),
      [[conv, 'alice', 'ALICE', 5, 2, 3, 'unread-3']],
    );
    // Of the 5 messages alice has read none, but only bob's one (seq 2) is unread for her: her own are not.
    assert.equal(repo.log.userConversations('alice')[0]?.unreadCount, 1);

    const { group } = repo.groups.create({ name: 'Team', ownerId: 'alice', memberIds: ['bob'], groupId: '' });
    assert.ok(group);
    const groupConv = `group:${group.groupId}`;
    for (let i = 1; i <= 2; i++) {
      repo.log.index(repo.log.save(text(groupConv, 'alice', `g-before-${i}`)).message, ['alice', 'bob']);
    }
    const joined = repo.groups.addMember(group.groupId, 'carol', GroupRole.GROUP_ROLE_UNSPECIFIED);
    assert.equal(joined.member.joinedSeq, 3, 'history starts after the max seq at join time');
    assert.equal(joined.member.role, GroupRole.GROUP_ROLE_MEMBER);
    assert.equal(joined.memberCount, 3);
    assert.equal(repo.groups.addMember(group.groupId, 'carol', GroupRole.GROUP_ROLE_MEMBER).alreadyMember, true);
    repo.log.index(repo.log.save(text(groupConv, 'bob', 'g-after-1')).message, ['alice', 'bob', 'carol']);
    const carols = repo.log.userConversations('carol');
    assert.deepEqual(
      carols.map((c) => [c.groupId, c.title, c.maxSeq, c.unreadCount, c.lastMessage?.clientMsgId]),
      [[group.groupId, 'Team', 3, 1, 'g-after-1']],
    );
    assert.equal(repo.log.userConversations('bob').find((c) => c.groupId === group.groupId)?.unreadCount, 2);
    assert.throws(() => repo.log.index({ ...text(groupConv, 'bob', 'x'), seq: 42 }, ['bob']), NotFound);
  });

  test('groups: members and roles, unknown ids are NotFound', () => {
    const { group, members } = repo.groups.create({
      name: ' Ops ',
      ownerId: 'bob',
      memberIds: ['carol', 'bob', 'carol'],
      groupId: 'ops',
    });
    assert.deepEqual(group, {
      groupId: 'ops',
      name: 'Ops',
      ownerId: 'bob',
      createdAtMs: group?.createdAtMs,
      memberCount: 2,
    });
    assert.deepEqual(
      members.map((m) => [m.userId, m.role, m.joinedSeq]),
      [
        ['bob', GroupRole.GROUP_ROLE_OWNER, 1],
        ['carol', GroupRole.GROUP_ROLE_MEMBER, 1],
      ],
    );
    assert.throws(
      () => repo.groups.create({ name: 'x', ownerId: 'bob', memberIds: [], groupId: 'ops' }),
      AlreadyExists,
    );
    assert.throws(
      () => repo.groups.create({ name: 'x', ownerId: 'bob', memberIds: ['ghost'], groupId: '' }),
      /member_ids: no user "ghost"/,
    );
    assert.deepEqual(
      repo.groups
        .groupsOf('carol')
        .map((g) => g.groupId)
        .includes('ops'),
      true,
    );
    assert.deepEqual(repo.groups.removeMember('ops', 'carol'), { removed: true, memberCount: 1 });
    assert.deepEqual(repo.groups.removeMember('ops', 'carol'), { removed: false, memberCount: 1 });
    assert.throws(
      () => repo.groups.get('nope'),
      (err) => err instanceof NotFound && err.code === 'GROUP_NOT_FOUND',
    );
    assert.throws(() => repo.groups.members('nope'), NotFound);
    assert.throws(() => repo.groups.addMember('nope', 'bob', GroupRole.GROUP_ROLE_MEMBER), NotFound);
  });
});
