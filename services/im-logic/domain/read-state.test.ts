import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { p2pConversationId } from './conversation';
import { isDomainError } from './errors';
import { ConversationAccess } from './membership';
import { ReadState } from './read-state';
import { FakeRepo, RecordingPublisher } from './test-fakes';

function setup() {
  const repo = new FakeRepo();
  const events = new RecordingPublisher();
  const reads = new ReadState(new ConversationAccess(repo, repo), repo, events, { nowMs: () => 42 });
  const alice = repo.addUser('alice');
  const bob = repo.addUser('bob');
  const carol = repo.addUser('carol');
  const conv = p2pConversationId(alice.userId, bob.userId);
  const say = async (conversationId: string, senderId: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await repo.saveMessage({
        messageId: '',
        conversationId,
        conversationType: 1,
        seq: 0,
        senderId,
        clientMsgId: `${senderId}-${conversationId}-${repo.maxSeq(conversationId)}`,
        contentType: 'text/plain',
        body: 'hi',
        sentAtMs: 0,
      });
    }
  };
  return { repo, events, reads, alice, bob, carol, conv, say };
}

function reason(expected: string) {
  return (err: unknown) => isDomainError(err) && err.code === expected;
}

describe('MarkAsRead', () => {
  test('publishes message.read only when the pointer advances, capped at the max seq', async () => {
    const { events, reads, alice, bob, conv, say } = setup();
    await say(conv, alice.userId, 2);
    await say(conv, bob.userId, 1);
    await say(conv, alice.userId, 2);
    const first = await reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: 2 }, {});
    assert.deepEqual(first, { readSeq: 2, advanced: true, maxSeq: 5, unreadCount: 2 });
    const [read] = events.ofKind('read');
    assert.deepEqual(read?.event, {
      readerId: bob.userId,
      conversationId: conv,
      conversationType: 1,
      previousReadSeq: 0,
      readSeq: 2,
      readAtMs: 42,
    });
    const backwards = await reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: 1 }, {});
    assert.deepEqual(backwards, { readSeq: 2, advanced: false, maxSeq: 5, unreadCount: 2 });
    const beyond = await reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: 99 }, {});
    assert.deepEqual(beyond, { readSeq: 5, advanced: true, maxSeq: 5, unreadCount: 0 });
    assert.equal(events.ofKind('read').length, 2);
    assert.equal(events.ofKind('read')[1]?.event.previousReadSeq, 2);
  });

  test('one’s own messages are not unread', async () => {
    const { reads, alice, bob, conv, say } = setup();
    await say(conv, alice.userId, 1);
    await say(conv, bob.userId, 3);
    const r = await reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: 1 }, {});
    assert.equal(r.unreadCount, 0);
  });

  test('outsiders and bad seqs are refused without moving anything', async () => {
    const { events, reads, carol, conv, bob, say, alice } = setup();
    await say(conv, alice.userId, 1);
    await assert.rejects(
      reads.markAsRead({ userId: carol.userId, conversationId: conv, seq: 1 }, {}),
      reason('NOT_A_MEMBER'),
    );
    await assert.rejects(
      reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: -1 }, {}),
      reason('INVALID_ARGUMENT'),
    );
    await assert.rejects(
      reads.markAsRead({ userId: bob.userId, conversationId: 'nonsense', seq: 1 }, {}),
      reason('INVALID_ARGUMENT'),
    );
    assert.equal(events.events.length, 0);
  });
});

describe('GetHistory', () => {
  test('a group member sees history from the seq at which they joined', async () => {
    const { repo, reads, alice, bob, carol, say } = setup();
    const { group } = await repo.createGroup({ name: 'g', ownerId: alice.userId, memberIds: [bob.userId] });
    const conv = `group:${group.groupId}`;
    await say(conv, alice.userId, 3);
    await repo.addMember(group.groupId, carol.userId, 1);
    await say(conv, bob.userId, 2);
    const forCarol = await reads.history({
      userId: carol.userId,
      conversationId: conv,
      fromSeq: 0,
      toSeq: 0,
      limit: 0,
    });
    assert.deepEqual(
      forCarol.messages.map((m) => m.seq),
      [4, 5],
    );
    assert.equal(forCarol.maxSeq, 5);
    const forBob = await reads.history({ userId: bob.userId, conversationId: conv, fromSeq: 1, toSeq: 0, limit: 2 });
    assert.deepEqual(
      forBob.messages.map((m) => m.seq),
      [1, 2],
    );
    assert.equal(forBob.hasMore, true);
    const rest = await reads.history({ userId: bob.userId, conversationId: conv, fromSeq: 3, toSeq: 0, limit: 3 });
    assert.deepEqual(
      rest.messages.map((m) => m.seq),
      [3, 4, 5],
    );
    assert.equal(rest.hasMore, false);
  });

  test('seq 0 is allowed, as the doc says: it moves nothing and answers the read state', async () => {
    const { events, reads, conv, bob, say, alice } = setup();
    await say(conv, alice.userId, 1);
    const res = await reads.markAsRead({ userId: bob.userId, conversationId: conv, seq: 0 }, {});
    assert.deepEqual(res, { readSeq: 0, advanced: false, maxSeq: 1, unreadCount: 1 });
    assert.equal(events.events.length, 0);
  });
});

describe('GetHistory limits', () => {
  test('a limit above 1,000 is served as 1,000, the same as on the gateway', async () => {
    const { reads, conv, bob, say, alice, repo } = setup();
    await say(conv, alice.userId, 1);
    let asked = 0;
    const pull = repo.pullMessages.bind(repo);
    repo.pullMessages = (id, from, to, limit) => ((asked = limit), pull(id, from, to, limit));
    await reads.history({ userId: bob.userId, conversationId: conv, fromSeq: 0, toSeq: 0, limit: 5000 });
    assert.equal(asked, 1000);
  });
});

describe('GetHistory refusals', () => {
  test('non-members are refused', async () => {
    const { reads, carol, conv } = setup();
    await assert.rejects(
      reads.history({ userId: carol.userId, conversationId: conv, fromSeq: 0, toSeq: 0, limit: 0 }),
      reason('NOT_A_MEMBER'),
    );
  });
});
