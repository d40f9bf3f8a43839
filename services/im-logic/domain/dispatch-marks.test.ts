import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { DispatchMarks, MAX_MARKS_PER_CALL } from './dispatch-marks';
import type { MessageStore, SaveOutcome } from './ports';

/** A store that refuses more marks per call than im-repo accepts, as im-repo does. */
function storeLikeRepo(): { store: MessageStore; calls: number[]; marked: Set<string> } {
  const calls: number[] = [];
  const marked = new Set<string>();
  const store = {
    async saveMessages(messages: ChatMessage[], ids: string[]): Promise<SaveOutcome[]> {
      if (ids.length > 1000)
        throw new Error(`dispatched_message_ids lists ${ids.length} ids; at most 1000 are allowed`);
      calls.push(ids.length);
      for (const id of ids) marked.add(id);
      return messages.map(() => ({
        saved: undefined,
        refused: 'not stored by this fake',
        notFriends: false,
        notMember: false,
        noSuchGroup: false,
        memberIds: [],
      }));
    },
  } as unknown as MessageStore;
  return { store, calls, marked };
}

test('marks piled up under a backlog go out at most 1,000 a call, and all of them get written', async () => {
  const { store, calls, marked } = storeLikeRepo();
  const marks = new DispatchMarks(store, 60_000);
  const ids = Array.from({ length: 2500 }, (_, i) => `m${i}`);
  marks.add(ids);
  await marks.saveWith([]); // the next SaveMessages call: it must not carry all 2,500 (im-repo would refuse it)
  assert.deepEqual(calls, [MAX_MARKS_PER_CALL]);
  assert.ok(
    ids.slice(MAX_MARKS_PER_CALL).every((id) => marks.has(id)),
    'the marks not yet written are still known',
  );
  await marks.flush();
  assert.deepEqual(calls, [1000, 1000, 500]);
  assert.equal(marked.size, 2500);
});
