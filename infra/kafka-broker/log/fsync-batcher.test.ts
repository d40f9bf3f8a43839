// Group commit: requests that ask for durability while an fsync runs share the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FsyncBatcher } from './fsync-batcher';

test('concurrent waiters share fsyncs: one round for the first, one for everyone who came during it', async () => {
  let rounds = 0;
  let finishRound: () => void = () => undefined;
  const batcher = new FsyncBatcher(() => {
    rounds++;
    return new Promise<void>((resolve) => (finishRound = resolve));
  });
  const first = batcher.wait();
  const during = [...Array(50)].map(() => batcher.wait());
  assert.equal(rounds, 1);
  finishRound();
  await first;
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(rounds, 2, 'the 50 waiters that came during the first fsync share a second one');
  finishRound();
  await Promise.all(during);
  assert.equal(rounds, 2);
});

test('a failed fsync rejects its waiters, and later ones get a fresh attempt', async () => {
  let fail = true;
  const batcher = new FsyncBatcher(() => (fail ? Promise.reject(new Error('EIO')) : Promise.resolve()));
  await assert.rejects(batcher.wait(), /EIO/);
  fail = false;
  await batcher.wait();
});
