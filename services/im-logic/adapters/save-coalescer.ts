// SaveMessages calls that im-logic's partition lanes make in the same turn leave as one (lib/same-turn-calls.ts): at
// 1,000 msgs/s the lanes made 130-160 calls a second of 6-7 messages each. The answer is positional, so each lane
// gets the outcomes of its own messages.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { SameTurnCalls } from '../../../lib/same-turn-calls';
import { MAX_MARKS_PER_CALL } from '../domain/dispatch-marks';
import type { SaveOutcome } from '../domain/ports';

interface SaveRequest {
  messages: ChatMessage[];
  marks: string[];
}

/** im-repo takes at most 1,000 messages and 1,000 dispatch marks a call (MAX_BATCH in its domain/messages.ts). */
const MAX_PER_CALL = MAX_MARKS_PER_CALL;

export function coalescedSaves(
  save: (messages: ChatMessage[], dispatchedMessageIds: string[]) => Promise<SaveOutcome[]>,
  maxPerCall = MAX_PER_CALL,
): (messages: ChatMessage[], dispatchedMessageIds: string[]) => Promise<SaveOutcome[]> {
  const calls = new SameTurnCalls<SaveRequest, SaveOutcome[]>({
    send: ({ messages, marks }) => save(messages, marks),
    merge: (requests) => ({ messages: requests.flatMap((r) => r.messages), marks: requests.flatMap((r) => r.marks) }),
    fits: (joined, next) =>
      sum(joined, (r) => r.messages.length) + next.messages.length <= maxPerCall &&
      sum(joined, (r) => r.marks.length) + next.marks.length <= maxPerCall,
    split: (outcomes, requests) => {
      if (outcomes.length !== sum(requests, (r) => r.messages.length)) return undefined;
      let at = 0;
      return requests.map(({ messages }) => {
        const offset = at;
        at += messages.length;
        return outcomes.slice(offset, at).map((outcome) => renumbered(outcome, offset));
      });
    },
  });
  return (messages, marks) => calls.call({ messages, marks });
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}

/** A refusal names the message by its index in the call ("messages[12]: ..."): the caller's index is what it knows. */
function renumbered(outcome: SaveOutcome, offset: number): SaveOutcome {
  if (offset === 0 || outcome.refused === '') return outcome;
  const refused = outcome.refused.replace(/^messages\[(\d+)\]/, (_, i: string) => `messages[${Number(i) - offset}]`);
  return { ...outcome, refused };
}
