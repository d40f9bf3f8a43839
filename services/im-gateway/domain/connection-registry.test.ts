import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingLink } from '../testing/fakes';
import { ConnectionRegistry, SeqWindow } from './connection-registry';

describe('SeqWindow', () => {
  test('a seq is new once, in order or not', () => {
    const seqs = new SeqWindow();
    for (const seq of [1, 2, 3, 5, 4, 10, 7]) assert.equal(seqs.firstTime(seq), true, `first offer of ${seq}`);
    for (const seq of [1, 2, 3, 4, 5, 7, 10]) assert.equal(seqs.firstTime(seq), false, `second offer of ${seq}`);
    for (const seq of [6, 8, 9]) assert.equal(seqs.firstTime(seq), true, `gap ${seq} filled later`);
  });

  test('matches a plain set of every seq within the last 512 below the highest, over a long random stream', () => {
    const seqs = new SeqWindow();
    const given = new Set<number>();
    let top = 0;
    let state = 42;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let i = 0; i < 50_000; i++) {
      // mostly forward in small steps, sometimes back within or past the window, sometimes a long jump ahead
      const pick = random(100);
      const seq =
        pick < 70 ? top + 1 + random(3) : pick < 95 ? Math.max(1, top - random(700)) : top + 400 + random(800);
      const expected = seq <= top - 512 ? true : !given.has(seq);
      assert.equal(seqs.firstTime(seq), expected, `offer ${i}: seq ${seq} with highest ${top}`);
      given.add(seq);
      top = Math.max(top, seq);
    }
  });

  test('a seq that falls out of the window is forgotten, and then offered again counts as new', () => {
    const seqs = new SeqWindow();
    assert.equal(seqs.firstTime(1), true);
    assert.equal(seqs.firstTime(513), true);
    assert.equal(seqs.firstTime(1), true, '1 is 512 below the highest: forgotten');
    assert.equal(seqs.firstTime(1), true, 'and still too old to be remembered');
    assert.equal(seqs.firstTime(2), true, '2 is within the window and was never given');
    assert.equal(seqs.firstTime(2), false);
  });
});

describe('ConnectionRegistry.markDelivered', () => {
  test('per connection and per conversation', () => {
    const registry = new ConnectionRegistry();
    registry.add(new RecordingLink('c1', 'alice'));
    registry.add(new RecordingLink('c2', 'alice'));
    assert.equal(registry.markDelivered('c1', 'group:a', 1), true);
    assert.equal(registry.markDelivered('c1', 'group:a', 1), false);
    assert.equal(registry.markDelivered('c2', 'group:a', 1), true, 'another connection of the same user');
    assert.equal(registry.markDelivered('c1', 'group:b', 1), true, 'another conversation, same seq');
    assert.equal(registry.markDelivered('gone', 'group:a', 2), false, 'no such connection');
  });

  test('remembers the 64 conversations given something most recently', () => {
    const registry = new ConnectionRegistry();
    registry.add(new RecordingLink('c1', 'alice'));
    for (let i = 0; i < 64; i++) assert.equal(registry.markDelivered('c1', `group:${i}`, 7), true);
    for (let i = 0; i < 64; i++) assert.equal(registry.markDelivered('c1', `group:${i}`, 7), false);
    assert.equal(registry.markDelivered('c1', 'group:64', 7), true);
    assert.equal(registry.markDelivered('c1', 'group:0', 7), true, 'the oldest conversation was forgotten for room');
  });
});
