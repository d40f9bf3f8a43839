import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageIdAt } from './message-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('message ids are UUIDv7 carrying their millisecond, distinct, and sort by time', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => messageIdAt(1_764_070_000_000 + Math.floor(i / 10)));
  for (const id of ids) assert.match(id, UUID_V7);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(parseInt((ids[0] as string).replace(/-/g, '').slice(0, 12), 16), 1_764_070_000_000);
  const later = messageIdAt(1_764_070_000_500);
  assert.ok(
    ids.every((id) => id < later),
    'an id from a later millisecond sorts after every earlier one',
  );
});
