import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap, BoundedSet } from './bounded-map';

test('a bounded map forgets its oldest keys past its capacity and says which', () => {
  const evicted: [string, number][] = [];
  const map = new BoundedMap<string, number>(3, (key, value) => evicted.push([key, value]));
  for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
  assert.deepEqual([...map.keys()], ['c', 'd', 'e']);
  assert.deepEqual(evicted, [
    ['a', 0],
    ['b', 1],
  ]);
});

test('setting a key it holds changes its value, not its age', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
  assert.deepEqual(
    [...map.entries()],
    [
      ['b', 2],
      ['c', 4],
    ],
  );
});

test('a bounded set forgets its oldest values past its capacity', () => {
  const set = new BoundedSet<string>(2);
  set.add('x').add('y').add('x').add('z');
  assert.deepEqual([...set], ['y', 'z']);
  assert.equal(set.has('x'), false);
});

test('a capacity below one is refused', () => {
  assert.throws(() => new BoundedMap(0), /capacity must be >= 1, got 0/);
  assert.throws(() => new BoundedSet(1.5), /capacity must be >= 1, got 1.5/);
});

test('eviction stays oldest-first across deletes, re-adds of forgotten keys and clear', () => {
  const set = new BoundedSet<string>(3);
  set.add('a').add('b').add('c').add('d'); // forgets a
  set.delete('c'); // deleted by its user, ahead of the oldest
  set.add('a').add('e'); // a comes back as the newest; e takes it past capacity: b goes
  assert.deepEqual([...set], ['d', 'a', 'e']);
  set.add('f'); // d goes
  assert.deepEqual([...set], ['a', 'e', 'f']);
  set.clear();
  set.add('x').add('y').add('z').add('w');
  assert.deepEqual([...set], ['y', 'z', 'w']);
  const map = new BoundedMap<number, number>(100);
  for (let i = 0; i < 10_000; i++) map.set(i, i);
  assert.deepEqual([map.size, [...map.keys()][0]], [100, 9_900], 'after many evictions the oldest is still exact');
});
