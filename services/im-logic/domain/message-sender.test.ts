import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { p2pConversationId, parseConversationId } from './conversation';
import { isDomainError } from './errors';
import { ConversationAccess } from './membership';
import { MessageSender, type SendCommand } from './message-sender';
import { resolveDestination } from './outgoing-message';
import { FakeRepo, RecordingPublisher } from './test-fakes';

function setup() {
  const repo = new FakeRepo();
  const events = new RecordingPublisher();
  const sender = new MessageSender(new ConversationAccess(repo, repo), repo, events);
  const alice = repo.addUser('alice');
  const bob = repo.addUser('bob');
  const carol = repo.addUser('carol');
  return { repo, events, sender, alice, bob, carol };
}

function command(over: Partial<SendCommand>): SendCommand {
  return {
    senderId: '',
    toUserId: '',
    groupId: '',
    conversationId: '',
    clientMsgId: 'c-1',
    contentType: '',
    body: 'hello',
    originGatewayId: 'gw-1',
    originConnId: 'conn-1',
    ...over,
  };
}

function reason(expected: string, field?: string) {
  return (err: unknown) => {
    assert.ok(isDomainError(err), `expected a rejection, got ${String(err)}`);
    assert.equal(err.code, expected);
    if (field) assert.ok(err.message.startsWith(field), `"${err.message}" names ${field}`);
    return true;
  };
}

describe('destination resolution', () => {
  test('a p2p conversation id is the same whoever sends', () => {
    const ab = resolveDestination({ senderId: 'u2', toUserId: 'u10', groupId: '', conversationId: '' });
    const ba = resolveDestination({ senderId: 'u10', toUserId: 'u2', groupId: '', conversationId: '' });
    assert.equal(ab.conversationId, 'p2p:u10:u2');
    assert.equal(ba.conversationId, ab.conversationId);
    const group = resolveDestination({ senderId: 'u1', toUserId: '', groupId: 'g7', conversationId: '' });
    assert.equal(group.conversationId, 'group:g7');
    const direct = resolveDestination({ senderId: 'u1', toUserId: '', groupId: '', conversationId: 'p2p:u1:u3' });
    assert.deepEqual(direct, parseConversationId('p2p:u1:u3'));
  });

  test('zero or two destinations, self-messages and malformed ids are INVALID_ARGUMENT', () => {
    const none = { senderId: 'u1', toUserId: '', groupId: '', conversationId: '' };
    assert.throws(() => resolveDestination(none), reason('INVALID_ARGUMENT', 'destination'));
    assert.throws(
      () => resolveDestination({ ...none, toUserId: 'u2', groupId: 'g1' }),
      reason('INVALID_ARGUMENT', 'destination'),
    );
    assert.throws(() => resolveDestination({ ...none, toUserId: 'u1' }), reason('INVALID_ARGUMENT', 'to_user_id'));
    assert.throws(
      () => resolveDestination({ ...none, conversationId: 'p2p:u3:u1' }),
      reason('INVALID_ARGUMENT', 'conversation_id'),
    );
    assert.throws(
      () => resolveDestination({ ...none, conversationId: 'room:1' }),
      reason('INVALID_ARGUMENT', 'conversation_id'),
    );
    assert.throws(() => resolveDestination({ ...none, toUserId: 'a:b' }), reason('INVALID_ARGUMENT', 'to_user_id'));
  });
});

describe('validation', () => {
  test('body, size, content type and client_msg_id are checked before anything is stored', async () => {
    const { repo, events, sender, alice, bob } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    const to = { senderId: alice.userId, toUserId: bob.userId };
    await assert.rejects(sender.send(command({ ...to, body: '  ' }), {}), reason('INVALID_ARGUMENT', 'body'));
    await assert.rejects(sender.send(command({ ...to, body: 'é'.repeat(8193) }), {}), reason('BODY_TOO_LARGE', 'body'));
    await assert.rejects(
      sender.send(command({ ...to, contentType: 'system/group.member.joined' }), {}),
      reason('INVALID_ARGUMENT', 'content_type'),
    );
    await assert.rejects(
      sender.send(command({ ...to, clientMsgId: '' }), {}),
      reason('INVALID_ARGUMENT', 'client_msg_id'),
    );
    assert.equal(repo.messages.size, 0);
    assert.equal(events.events.length, 0);
    const exactly16k = await sender.send(command({ ...to, body: 'x'.repeat(16 * 1024) }), {});
    assert.equal(exactly16k.message.body.length, 16 * 1024);
    assert.equal(exactly16k.message.contentType, 'text/plain');
  });
});

describe('authorisation', () => {
  test('p2p needs friendship, groups need membership, unknown groups are NOT_FOUND', async () => {
    const { repo, events, sender, alice, bob, carol } = setup();
    await assert.rejects(
      sender.send(command({ senderId: alice.userId, toUserId: bob.userId }), {}),
      reason('NOT_FRIENDS'),
    );
    // A user who does not exist is NOT_FOUND, as the protocol's table says (not NOT_FRIENDS).
    await assert.rejects(
      sender.send(command({ senderId: alice.userId, toUserId: 'u_nobody' }), {}),
      (err: unknown) => isDomainError(err) && err.code === 'NOT_FOUND' && /u_nobody does not exist/.test(err.message),
    );
    const { group } = await repo.createGroup({ name: 'g', ownerId: alice.userId, memberIds: [bob.userId] });
    await assert.rejects(
      sender.send(command({ senderId: carol.userId, groupId: group.groupId }), {}),
      reason('NOT_A_MEMBER'),
    );
    await assert.rejects(
      sender.send(command({ senderId: carol.userId, conversationId: p2pConversationId(alice.userId, bob.userId) }), {}),
      reason('NOT_A_MEMBER'),
    );
    await assert.rejects(sender.send(command({ senderId: alice.userId, groupId: 'nope' }), {}), reason('NOT_FOUND'));
    assert.equal(events.events.length, 0);
  });
});

describe('storing and publishing', () => {
  test('a p2p message is stored with a seq, persisted for both and delivered to the peer and the sender', async () => {
    const { repo, events, sender, alice, bob } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = await sender.send(command({ senderId: alice.userId, toUserId: bob.userId }), { traceparent });
    assert.equal(result.duplicate, false);
    assert.equal(result.message.seq, 1);
    assert.equal(result.message.conversationType, ConversationType.CONVERSATION_TYPE_P2P);
    const [persist] = events.ofKind('persist');
    assert.deepEqual(persist?.memberIds.sort(), [alice.userId, bob.userId].sort());
    const [down] = events.ofKind('downstream');
    assert.ok(down);
    assert.deepEqual(down.delivery.recipientIds.sort(), [alice.userId, bob.userId].sort());
    assert.equal(down.delivery.ackOnly, false);
    assert.equal(down.delivery.originConnId, 'conn-1');
    assert.equal(down.delivery.message?.seq, 1);
    assert.equal(down.origin.traceparent, traceparent);
  });

  test('a retried send is stored once and only re-acks the sender', async () => {
    const { repo, events, sender, alice, bob } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    const first = await sender.send(command({ senderId: alice.userId, toUserId: bob.userId, clientMsgId: 'same' }), {});
    const retry = await sender.send(
      command({ senderId: alice.userId, toUserId: bob.userId, clientMsgId: 'same', originConnId: 'conn-2' }),
      {},
    );
    assert.equal(retry.duplicate, true);
    assert.equal(retry.message.messageId, first.message.messageId);
    assert.equal(repo.maxSeq(first.message.conversationId), 1);
    const downs = events.ofKind('downstream');
    assert.equal(downs.length, 2);
    assert.equal(downs[1]?.delivery.ackOnly, true);
    assert.deepEqual(downs[1]?.delivery.recipientIds, []);
    assert.equal(downs[1]?.delivery.originConnId, 'conn-2');
    assert.equal(downs[1]?.delivery.message?.seq, 1);
  });

  test('a retry of a send that died after storing and before publishing is delivered, then only re-acked', async () => {
    const { repo, events, sender, alice, bob } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    // The first attempt got as far as storing: the message is in the repo but was never marked dispatched.
    const stored = await repo.saveMessage({
      messageId: '',
      conversationId: p2pConversationId(alice.userId, bob.userId),
      conversationType: ConversationType.CONVERSATION_TYPE_P2P,
      seq: 0,
      senderId: alice.userId,
      clientMsgId: 'died',
      contentType: 'text/plain',
      body: 'hello',
      sentAtMs: 0,
    });
    const retry = await sender.send(command({ senderId: alice.userId, toUserId: bob.userId, clientMsgId: 'died' }), {});
    assert.equal(retry.duplicate, true);
    const [down] = events.ofKind('downstream');
    assert.equal(down?.delivery.ackOnly, false);
    assert.deepEqual(down?.delivery.recipientIds.sort(), [alice.userId, bob.userId].sort());
    // The mark is not written on its own: it rides along with the next store call.
    assert.equal(repo.dispatched.has(stored.message.messageId), false);
    await sender.send(command({ senderId: alice.userId, toUserId: bob.userId, clientMsgId: 'died' }), {});
    assert.equal(events.ofKind('downstream')[1]?.delivery.ackOnly, true);
    assert.ok(repo.dispatched.has(stored.message.messageId));
  });

  test('a batch is stored in one call, in order; a refused send and a retry in it are answered on their own', async () => {
    const { repo, events, sender, alice, bob, carol } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    const send = (clientMsgId: string, toUserId: string) => ({
      cmd: command({ senderId: alice.userId, toUserId, clientMsgId }),
      origin: {},
    });
    const outcomes = await sender.sendBatch([
      send('a', bob.userId),
      send('b', carol.userId),
      send('c', bob.userId),
      send('a', bob.userId),
    ]);
    assert.equal(repo.saveMessageCalls, 1);
    assert.deepEqual(
      outcomes.map((o) => (o instanceof Error ? o.code : `${o.message.seq}${o.duplicate ? ' again' : ''}`)),
      ['1', 'NOT_FRIENDS', '2', '1 again'],
    );
    const downs = events.ofKind('downstream').map((e) => e.delivery);
    assert.deepEqual(
      downs.map((d) => [d.clientMsgId, d.message?.seq ?? d.error?.code, d.ackOnly]),
      [
        ['a', 1, false],
        ['b', 'NOT_FRIENDS', false],
        ['c', 2, false],
        ['a', 1, true],
      ],
    );
    // With no store call following, the marks are written alone (here: at once, as on shutdown).
    await sender.flush();
    const first = outcomes[0];
    assert.ok(first !== undefined && !(first instanceof Error) && repo.dispatched.has(first.message.messageId));
  });

  test('a group message goes to every member; seqs follow each other', async () => {
    const { repo, events, sender, alice, bob, carol } = setup();
    const { group } = await repo.createGroup({
      name: 'g',
      ownerId: alice.userId,
      memberIds: [bob.userId, carol.userId],
    });
    await sender.send(command({ senderId: bob.userId, groupId: group.groupId, clientMsgId: 'a' }), {});
    const second = await sender.send(
      command({ senderId: carol.userId, conversationId: `group:${group.groupId}`, clientMsgId: 'a' }),
      {},
    );
    assert.equal(second.message.seq, 2);
    assert.equal(second.message.conversationType, ConversationType.CONVERSATION_TYPE_GROUP);
    const last = events.ofKind('downstream').at(-1);
    assert.deepEqual(last?.delivery.recipientIds.sort(), [alice.userId, bob.userId, carol.userId].sort());
  });
});

describe('group sends', () => {
  test('a batch of group sends costs one store call: it checks membership and names the members', async () => {
    const { repo, events, sender, alice, bob, carol } = setup();
    const { group } = await repo.createGroup({ name: 'g', ownerId: alice.userId, memberIds: [bob.userId] });
    const send = (senderId: string, groupId: string, clientMsgId: string) => ({
      cmd: command({ senderId, groupId, clientMsgId }),
      origin: {},
    });
    const outcomes = await sender.sendBatch([
      send(bob.userId, group.groupId, 'a'),
      send(carol.userId, group.groupId, 'b'),
      send(alice.userId, 'nope', 'c'),
      send(alice.userId, group.groupId, 'd'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => (o instanceof Error ? `${o.code}: ${o.message}` : o.message.seq)),
      [1, `NOT_A_MEMBER: you are not a member of group ${group.groupId}`, 'NOT_FOUND: group nope does not exist', 2],
    );
    assert.deepEqual([repo.saveMessageCalls, repo.getMembersCalls], [1, 0]);
    const delivered = events.ofKind('downstream').filter((e) => e.delivery.message !== undefined);
    for (const { delivery } of delivered) {
      assert.deepEqual(delivery.recipientIds.sort(), [alice.userId, bob.userId].sort());
    }
    assert.equal(delivered.length, 2);
  });
});

describe('the upstream path', () => {
  test('a refused send becomes a downstream error for the origin connection and counts as handled', async () => {
    const { events, sender, alice, bob } = setup();
    const [outcome] = await sender.sendBatch([
      { cmd: command({ senderId: alice.userId, toUserId: bob.userId, clientMsgId: 'x' }), origin: {} },
    ]);
    assert.ok(isDomainError(outcome));
    const [down] = events.ofKind('downstream');
    assert.equal(down?.delivery.error?.code, 'NOT_FRIENDS');
    assert.equal(down?.delivery.clientMsgId, 'x');
    assert.equal(down?.delivery.originConnId, 'conn-1');
    assert.equal(down?.delivery.message, undefined);
    assert.deepEqual(down?.delivery.recipientIds, []);
    assert.equal(down?.delivery.conversationId, p2pConversationId(alice.userId, bob.userId));
  });

  test('an unavailable repo is not the client’s fault: it throws, and nothing is published', async () => {
    const { repo, events, sender, alice, bob } = setup();
    await repo.addFriend(alice.userId, bob.userId);
    repo.unavailable = true;
    await assert.rejects(
      sender.sendBatch([{ cmd: command({ senderId: alice.userId, toUserId: bob.userId }), origin: {} }]),
      /repo unavailable/,
    );
    assert.equal(events.events.length, 0);
  });
});
