import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from './summary';

test('an RPC summary names each set field once: strings clipped, lists and bytes as their size', () => {
  assert.equal(
    summarize({
      conversationId: 'p2p:a:b',
      body: 'x'.repeat(60),
      messages: [{}, {}, {}],
      empty: '',
      none: [],
      seq: 4,
      raw: new Uint8Array(5),
      meta: { eventId: 'e' },
    }),
    `{ conversationId: "p2p:a:b", body: "${'x'.repeat(40)}…", messages: [3 items], seq: 4, raw: <5 bytes>, meta: {…} }`,
  );
  assert.equal(summarize({}), '{}');
  assert.ok(summarize({ a: 'y'.repeat(39), b: 'y'.repeat(39), c: Array(20).fill('z').join('') }).length < 420);
});
