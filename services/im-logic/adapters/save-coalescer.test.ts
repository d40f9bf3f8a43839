import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument } from '../../../lib/errors';
import type { SaveOutcome } from '../domain/ports';
import { SaveCoalescer } from './save-coalescer';

const msg = (id: string): ChatMessage => ({ clientMsgId: id }) as ChatMessage;
const outcome = (m: ChatMessage, refused = ''): SaveOutcome => ({
  saved: refused ? undefined : { message: m, duplicate: false, dispatched: false },
  refused,
  notFriends: false,
  notMember: false,
  noSuchGroup: false,
  memberIds: [],
});

/** A store that records its calls and answers each message (refusing those whose id starts with "bad"). */
function recordingStore(fail?: (messages: ChatMessage[]) => Error | undefined) {
  const calls: Array<{ messages: string[]; marks: string[] }> = [];
  const save = (messages: ChatMessage[], marks: string[]): Promise<SaveOutcome[]> => {
    calls.push({ messages: messages.map((m) => m.clientMsgId), marks });
    const err = fail?.(messages);
    if (err) return Promise.reject(err);
    return Promise.resolve(
      messages.map((m, i) => outcome(m, m.clientMsgId.startsWith('bad') ? `messages[${i}]: body is empty` : '')),
    );
  };
  return { calls, save };
}

test('saves asked for in the same turn leave as one call, and each caller gets its own outcomes', async () => {
  const store = recordingStore();
  const saves = new SaveCoalescer(store.save);
  const [a, b] = await Promise.all([
    saves.saveMessages([msg('a1'), msg('a2')], ['m1']),
    saves.saveMessages([msg('bad-b1'), msg('b2')], ['m2', 'm3']),
  ]);
  assert.deepEqual(store.calls, [{ messages: ['a1', 'a2', 'bad-b1', 'b2'], marks: ['m1', 'm2', 'm3'] }]);
  assert.deepEqual(
    a.map((o) => o.saved?.message.clientMsgId),
    ['a1', 'a2'],
  );
  assert.equal(b[0]?.saved, undefined);
  assert.equal(b[0]?.refused, 'messages[0]: body is empty', "the refusal names the caller's own index");
  assert.equal(b[1]?.saved?.message.clientMsgId, 'b2');
});

test('saves of different turns are separate calls', async () => {
  const store = recordingStore();
  const saves = new SaveCoalescer(store.save);
  await saves.saveMessages([msg('a')], []);
  await saves.saveMessages([msg('b')], []);
  assert.deepEqual(
    store.calls.map((c) => c.messages),
    [['a'], ['b']],
  );
});

test("a merged call stays within im-repo's limits on messages and on marks", async () => {
  const store = recordingStore();
  const saves = new SaveCoalescer(store.save, 4);
  const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  await Promise.all([
    saves.saveMessages(ids('a', 3).map(msg), []),
    saves.saveMessages(ids('b', 1).map(msg), ids('m', 2)),
    saves.saveMessages(ids('c', 2).map(msg), []),
    saves.saveMessages([], ids('n', 3)),
  ]);
  assert.deepEqual(
    store.calls.map((c) => [c.messages.length, c.marks.length]),
    [
      [4, 2],
      [2, 3],
    ],
  );
});

test('when a merged call fails, each caller is tried alone, so only the one that causes the failure fails', async () => {
  const store = recordingStore((messages) =>
    messages.some((m) => m.clientMsgId === 'poison') ? new InvalidArgument('message_id is malformed') : undefined,
  );
  const saves = new SaveCoalescer(store.save);
  const [good, bad] = await Promise.allSettled([
    saves.saveMessages([msg('ok')], []),
    saves.saveMessages([msg('poison')], []),
  ]);
  assert.equal(good.status, 'fulfilled');
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /malformed/);
  assert.deepEqual(
    store.calls.map((c) => c.messages),
    [['ok', 'poison'], ['ok'], ['poison']],
  );
});

test('an answer with the wrong number of outcomes fails every caller instead of mismatching them', async () => {
  const saves = new SaveCoalescer(() => Promise.resolve([outcome(msg('x'))]));
  const results = await Promise.allSettled([saves.saveMessages([msg('a')], []), saves.saveMessages([msg('b')], [])]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
});
