import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childTraceparent, isValidTraceparent, newRootTraceparent, parseTraceparent, traceIdOf } from './trace';

test('a new root is a valid, sampled version-00 traceparent, different each time', () => {
  const a = newRootTraceparent();
  const b = newRootTraceparent();
  assert.match(a, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.ok(isValidTraceparent(a));
  assert.notEqual(traceIdOf(a), traceIdOf(b));
});

test('a child keeps the trace id and flags and gets a new parent id', () => {
  const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
  const child = childTraceparent(parent);
  const parsed = parseTraceparent(child);
  assert.ok(parsed);
  assert.equal(parsed.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(parsed.flags, '00');
  assert.notEqual(parsed.parentId, '00f067aa0ba902b7');
});

test('invalid traceparents are refused and a child of one starts a new trace', () => {
  for (const bad of [
    '',
    'garbage',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
  ]) {
    assert.equal(parseTraceparent(bad), undefined, bad);
  }
  assert.ok(isValidTraceparent(childTraceparent('garbage')));
  assert.ok(isValidTraceparent(childTraceparent(undefined)));
  // A later version may append fields; its first four still count.
  assert.equal(
    traceIdOf('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'),
    '4bf92f3577b34da6a3ce929d0e0e4736',
  );
});

test('a 55-character version-00 value is judged as the W3C pattern judges it, whichever character is changed', () => {
  const pattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  for (let at = 0; at < valid.length; at++) {
    for (const c of ['-', '0', '9', 'a', 'f', 'g', 'A', ' ', 'é']) {
      const value = valid.slice(0, at) + c + valid.slice(at + 1);
      const match = pattern.exec(value);
      const expected =
        match && match[1] !== 'ff' && !/^0+$/.test(match[2] as string) && !/^0+$/.test(match[3] as string)
          ? { version: match[1], traceId: match[2], parentId: match[3], flags: match[4] }
          : undefined;
      assert.deepEqual(parseTraceparent(value), expected, value);
    }
  }
});
