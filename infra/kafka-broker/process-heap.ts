// The heap of a process that hosts the broker. Every Fetch and Produce allocates Buffers and short-lived objects;
// V8 sizes the old generation from the live heap with a small growing factor when collections are fast, so in the
// appliance's supervisor (about 30 MB live: the broker, the console's API and their code) it started the next full
// collection as soon as one had finished: about one a second at 1,000 msgs/s, four at saturation, each pausing
// the broker tens of milliseconds with two of its hops on every message's path. Giving the old generation room to
// grow to three times the live heap before it is collected again halves the supervisor's CPU at saturation
// (docs/performance.md, "fewer full collections in the broker's process"), for some tens of MB of memory.
import { setFlagsFromString } from 'node:v8';

/** Old-generation growth between full collections, in percent of the live heap (V8's --heap-growing-percent). */
const BROKER_HEAP_GROWING_PERCENT = 200;

/** Applies the growth to this process's heap from its next collection on (V8 reads the flag when it sizes the heap). */
export function giveBrokerHeapRoom(): void {
  setFlagsFromString(`--heap-growing-percent=${BROKER_HEAP_GROWING_PERCENT}`);
}
