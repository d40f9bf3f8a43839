import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { SaveOutcome } from '../domain/ports';
import { coalescedSaves } from './save-coalescer';

const msg = (id: string): ChatMessage => ({ clientMsgId: id }) as ChatMessage;

/** A store that records its calls and refuses the messages whose id starts with "bad", naming them by index. */
function recordingStore() {
  const calls: Array<{ messages: string[]; marks: string[] }> = [];
  const save = (messages: ChatMessage[], marks: string[]): Promise<SaveOutcome[]> => {
    calls.push({ messages: messages.map((m) => m.clientMsgId), marks });
    return Promise.resolve(
      messages.map((m, i) => {
        const bad = m.clientMsgId.startsWith('bad');
        return {
          saved: bad ? undefined : { message: m, duplicate: false, dispatched: false },
          refused: bad ? `messages[${i}]: body is empty` : '',
          notFriends: false,
          notMember: false,
          noSuchGroup: false,
          memberIds: [],
        };
      }),
    );
  };
  return { calls, save };
}

test("the lanes' saves of one turn are one SaveMessages call; each lane gets its outcomes, refusals by its own index", async () => {
  const store = recordingStore();
  const save = coalescedSaves(store.save);
  const [a, b] = await Promise.all([save([msg('a1'), msg('a2')], ['m1']), save([msg('bad-b1'), msg('b2')], ['m2'])]);
  assert.deepEqual(store.calls, [{ messages: ['a1', 'a2', 'bad-b1', 'b2'], marks: ['m1', 'm2'] }]);
  assert.deepEqual(
    a.map((o) => o.saved?.message.clientMsgId),
    ['a1', 'a2'],
  );
  assert.equal(b[0]?.refused, 'messages[0]: body is empty');
  assert.equal(b[1]?.saved?.message.clientMsgId, 'b2');
});

test("a merged call carries at most im-repo's limit of messages and of dispatch marks", async () => {
  const store = recordingStore();
  const save = coalescedSaves(store.save, 4);
  const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  await Promise.all([
    save(ids('a', 3).map(msg), []),
    save(ids('b', 1).map(msg), ids('m', 2)),
    save(ids('c', 2).map(msg), []),
    save([], ids('n', 3)),
  ]);
  assert.deepEqual(
    store.calls.map((c) => [c.messages.length, c.marks.length]),
    [
      [4, 2],
      [2, 3],
    ],
  );
});
