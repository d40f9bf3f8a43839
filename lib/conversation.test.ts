import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationType } from '../proto/gen/gochat/common/v1/common';
import { groupConversationId, p2pConversationId, parseConversationId, requireConversationId } from './conversation';
import { InvalidArgument } from './errors';

test('p2p ids put the smaller user id first, whoever sends', () => {
  assert.equal(p2pConversationId('bob', 'alice'), 'p2p:alice:bob');
  assert.equal(p2pConversationId('alice', 'bob'), 'p2p:alice:bob');
  assert.throws(() => p2pConversationId('alice', 'alice'), InvalidArgument);
});

test('ids parse back, and malformed ones are refused with the field named', () => {
  assert.deepEqual(parseConversationId('p2p:alice:bob'), {
    type: ConversationType.CONVERSATION_TYPE_P2P,
    userIds: ['alice', 'bob'],
  });
  assert.deepEqual(parseConversationId(groupConversationId('g1')), {
    type: ConversationType.CONVERSATION_TYPE_GROUP,
    groupId: 'g1',
  });
  for (const bad of ['p2p:bob:alice', 'p2p:alice', 'p2p:a:b:c', 'group:', 'dm:a:b', '']) {
    assert.equal(parseConversationId(bad), undefined, bad);
  }
  assert.throws(() => requireConversationId('x'), /conversation_id "x" is not/);
});
