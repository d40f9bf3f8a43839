// Group commit: requests that ask for durability while an fsync runs share the next one; where the fsyncs run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiskSync, FsyncBatcher, INLINE_ROUND_LIMIT_MS, type FsyncCalls } from './fsync-batcher';

const nextTick = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

test('concurrent waiters share fsyncs: one round for the first, one for everyone who came during it', async () => {
  let rounds = 0;
  let finishRound: () => void = () => undefined;
  const batcher = new FsyncBatcher(() => {
    rounds++;
    return new Promise<void>((resolve) => (finishRound = resolve));
  });
  const first = [...Array(10)].map(() => batcher.wait());
  assert.equal(rounds, 0, 'a round waits for the I/O callbacks of this turn of the event loop');
  await nextTick();
  assert.equal(rounds, 1, 'the ten waiters of one turn share one round');
  const during = [...Array(50)].map(() => batcher.wait());
  finishRound();
  await Promise.all(first);
  await nextTick();
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

test('a throwing round (an inline fsync) rejects its waiters too', async () => {
  const batcher = new FsyncBatcher(() => {
    throw new Error('EBADF');
  });
  await assert.rejects(batcher.wait(), /EBADF/);
});

/** A disk whose fsyncs take `ms` each, on a clock that only they move. */
function fakeDisk(): { calls: FsyncCalls; ms: number; inline: number[]; pooled: number[] } {
  let clock = 0;
  const disk = {
    ms: 0.1,
    inline: [] as number[],
    pooled: [] as number[],
    calls: {
      now: () => clock,
      fsyncSync: (fd: number) => {
        disk.inline.push(fd);
        clock += disk.ms;
      },
      fsync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
        disk.pooled.push(fd);
        const ms = disk.ms;
        setImmediate(() => {
          clock += ms;
          cb(fd < 0 ? Object.assign(new Error('EBADF'), { code: 'EBADF' }) : null);
        });
      },
    },
  };
  return disk;
}

test('a fast disk is synced on the event loop; a slow one in the thread pool, until it is fast again', async () => {
  const disk = fakeDisk();
  const sync = new DiskSync(disk.calls);
  await sync.sync([3, 4]);
  assert.deepEqual(disk.inline, [3, 4], 'fsyncs of 0.1 ms run inline');
  assert.deepEqual(disk.pooled, []);

  disk.ms = 20 * INLINE_ROUND_LIMIT_MS;
  await sync.sync([3]);
  assert.equal(sync.inline(1), false, 'one fsync of 20 ms is enough to leave the event loop');
  await sync.sync([3, 4, 5]);
  assert.deepEqual(disk.pooled, [3, 4, 5], 'while the disk is slow, fsyncs go to the thread pool side by side');

  disk.ms = 0.1;
  let rounds = 0;
  while (!sync.inline(1)) {
    await sync.sync([6]);
    rounds++;
  }
  assert.ok(rounds > 3 && rounds < 40, `back inline after ${rounds} fast fsyncs`);
});

test('a round of many files goes to the thread pool even on a fast disk', async () => {
  const disk = fakeDisk();
  const sync = new DiskSync(disk.calls);
  await sync.sync([3]);
  assert.ok(sync.inline(5), 'five fsyncs of 0.1 ms hold the loop for 0.5 ms');
  assert.equal(sync.inline(50), false, 'fifty would hold it for 5 ms');
  await sync.sync([...Array(50).keys()]);
  assert.equal(disk.pooled.length, 50);
});

test('a failed fsync in the thread pool rejects the round', async () => {
  const disk = fakeDisk();
  disk.ms = 50;
  const sync = new DiskSync(disk.calls);
  await sync.sync([3]);
  await assert.rejects(sync.sync([3, -1]), /EBADF/);
});
