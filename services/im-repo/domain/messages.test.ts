import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationType, type ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { ConversationLog } from './messages';
import type { FriendStore, GroupStore, MessageStore, UserStore } from './ports';

const CONV = 'group:climb';

function message(seq: number, conversationId = CONV): ChatMessage {
  return {
    messageId: `m-${conversationId}-${seq}`,
    conversationId,
    conversationType: ConversationType.CONVERSATION_TYPE_GROUP,
    seq,
    senderId: 'alice',
    clientMsgId: `c-${seq}`,
    contentType: 'text/plain',
    body: `body ${seq}`,
    sentAtMs: 1000 + seq,
  };
}

/** The message log in memory, counting the reads indexMany makes. */
class CountingMessages implements Pick<MessageStore, 'inTransaction' | 'index' | 'hasMessage' | 'storedSeqs'> {
  readonly stored = new Map<string, Set<number>>();
  readonly listed = new Map<string, number>(); // "user conversation" -> seq
  reads = 0;

  constructor(seqs: Record<string, number[]>) {
    for (const [conversationId, list] of Object.entries(seqs)) this.stored.set(conversationId, new Set(list));
  }

  inTransaction<T>(work: () => T): Promise<T> {
    return Promise.resolve(work());
  }

  index(conversationId: string, seq: number, memberIds: readonly string[]): boolean {
    if (!this.stored.get(conversationId)?.has(seq)) return false;
    for (const member of memberIds) {
      const key = `${member} ${conversationId}`;
      this.listed.set(key, Math.max(seq, this.listed.get(key) ?? 0));
    }
    return true;
  }

  hasMessage(conversationId: string, seq: number): boolean {
    this.reads += 1;
    return this.stored.get(conversationId)?.has(seq) ?? false;
  }

  storedSeqs(conversationId: string, fromSeq: number, toSeq: number): number[] {
    this.reads += 1;
    return [...(this.stored.get(conversationId) ?? [])].filter((s) => s >= fromSeq && s <= toSeq).sort((a, b) => a - b);
  }
}

function logOver(messages: CountingMessages): ConversationLog {
  const unused = {} as UserStore & GroupStore & Pick<FriendStore, 'areFriends'>;
  return new ConversationLog(messages as unknown as MessageStore, unused, unused, unused, { now: () => 5000 });
}

const members = ['alice', 'bob', 'carol'];

test('a batch whose messages are each the newest of their conversation is counted without reading', async () => {
  const messages = new CountingMessages({ 'p2p:alice:bob': [1], 'p2p:alice:carol': [4] });
  const indexed = await logOver(messages).indexMany([
    { message: message(1, 'p2p:alice:bob'), memberIds: ['alice', 'bob'] },
    { message: message(4, 'p2p:alice:carol'), memberIds: ['alice', 'carol'] },
  ]);
  assert.equal(indexed, 2);
  assert.equal(messages.reads, 0, 'index() already proved both stored');
  assert.equal(messages.listed.get('carol p2p:alice:carol'), 4);
});

test("a group's batch is counted with one read, and a message not stored is left out", async () => {
  // seq 13 was allocated but never stored
  const messages = new CountingMessages({ [CONV]: [10, 11, 12, 14, 15] });
  const indexed = await logOver(messages).indexMany(
    [10, 11, 12, 13, 14, 15].map((seq) => ({ message: message(seq), memberIds: members })),
  );
  assert.equal(indexed, 5);
  assert.equal(messages.reads, 1, 'one range read for the five older messages');
  for (const member of members) assert.equal(messages.listed.get(`${member} ${CONV}`), 15, 'listed at the newest');
});

test('the same message twice in a batch counts twice, as two index() calls would', async () => {
  const messages = new CountingMessages({ [CONV]: [1, 2] });
  const entries = [1, 2, 1].map((seq) => ({ message: message(seq), memberIds: members }));
  assert.equal(await logOver(messages).indexMany(entries), 3);
});

test('messages far apart are looked up one by one, with the count still right', async () => {
  const messages = new CountingMessages({ [CONV]: [1, 500, 900] });
  const indexed = await logOver(messages).indexMany(
    [1, 400, 500, 900].map((seq) => ({ message: message(seq), memberIds: members })),
  );
  assert.equal(indexed, 3, 'seq 400 is not stored');
  assert.equal(messages.reads, 3, 'no range read over 500 seqs for three messages');
});

test('a member only in an older message is listed at that message, and it counts without a read', async () => {
  const messages = new CountingMessages({ [CONV]: [7, 8] });
  const indexed = await logOver(messages).indexMany([
    { message: message(7), memberIds: ['alice', 'dave'] }, // dave left before seq 8
    { message: message(8), memberIds: ['alice', 'bob'] },
  ]);
  assert.equal(indexed, 2);
  assert.equal(messages.reads, 0, 'seq 7 was proven by listing dave at it');
  assert.equal(messages.listed.get(`dave ${CONV}`), 7);
});

test('when the newest message is missing, each message is indexed on its own and counted by that', async () => {
  const messages = new CountingMessages({ [CONV]: [1, 2] });
  const indexed = await logOver(messages).indexMany(
    [1, 2, 3].map((seq) => ({ message: message(seq), memberIds: members })),
  );
  assert.equal(indexed, 2);
  for (const member of members) assert.equal(messages.listed.get(`${member} ${CONV}`), 2);
});
