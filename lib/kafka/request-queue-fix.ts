// A fix applied to kafkajs 2.2.4 at load, written here because the release with it never shipped (upstream issue
// tulios/kafkajs#1556, unmerged pull requests #1667 and #1768). After every check of a connection's queue of
// pending requests, kafkajs schedules the next check even when nothing is pending; with no throttling in force the
// delay is negative, so each broker connection runs a 1 ms timer loop for as long as it is open. On these machines
// that was about 1,200 wake-ups a second in every idle service with a consumer, and CPU taken from the message path.
// A check is only needed for requests waiting in the queue: push() schedules one whenever it leaves a request
// there, and each answered request checks again, so with an empty queue this skips the timer.
import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
}

interface RequestQueueClass {
  prototype: RequestQueueLike & { scheduleCheckPendingRequests(this: RequestQueueLike): void };
}

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;

const FIXED = Symbol.for('gochat.kafkajs.requestQueueFix');
const proto = RequestQueue.prototype as RequestQueueClass['prototype'] & { [FIXED]?: true };
if (!proto[FIXED]) {
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleOnlyWhenPending(this: RequestQueueLike): void {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
  proto[FIXED] = true;
}

/** The patched class, for the test that checks the fix still applies to the installed kafkajs. */
export const PatchedRequestQueue: unknown = RequestQueue;
