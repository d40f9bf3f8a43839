import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuBetween, markCpu, processTree } from './target-cpu';

const linux = process.platform === 'linux';

test('the tree of a process starts with it', { skip: !linux && 'reads /proc' }, () => {
  const tree = processTree(process.pid);
  assert.equal(tree[0], process.pid);
  assert.deepEqual(processTree(undefined), []);
});

test(
  'CPU spent between two marks is counted per message, with the host steal share',
  { skip: !linux && 'reads /proc' },
  () => {
    const before = markCpu([process.pid]);
    assert.ok(before, '/proc/stat and /proc/<pid>/stat are readable');
    const startMs = Date.now();
    let x = 0;
    while (Date.now() - startMs < 200) x += Math.sqrt(x + 1);
    const after = markCpu([process.pid]);
    const cpu = cpuBetween(before, after, 10, Date.now() - startMs);
    assert.ok(cpu, `a result (${x > 0})`);
    // 200 ms of busy loop on one thread: /proc counts in 10 ms ticks, and the machine may be shared.
    assert.ok(cpu.perMessageMs >= 5 && cpu.perMessageMs <= 30, `per message ${cpu.perMessageMs} ms`);
    assert.ok(cpu.cores > 0.2 && cpu.cores <= 1.2, `cores ${cpu.cores}`);
    assert.ok(cpu.stealFraction >= 0 && cpu.stealFraction <= 1);
  },
);

test('nothing to report without marks or messages', () => {
  const mark = { processMs: 100, stealTicks: 1, totalTicks: 10 };
  assert.equal(cpuBetween(undefined, mark, 1, 1000), undefined);
  assert.equal(cpuBetween(mark, mark, 0, 1000), undefined);
  assert.deepEqual(cpuBetween(mark, { processMs: 300, stealTicks: 6, totalTicks: 110 }, 4, 1000), {
    perMessageMs: 50,
    cores: 0.2,
    stealFraction: 0.05,
  });
});
