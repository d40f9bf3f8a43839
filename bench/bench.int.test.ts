// `gochat bench --quick` as CI runs it: every case runs on the real appliance and produces figures. Never a
// speed: the figures must be there, positive where a zero would mean nothing was measured, and no message lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PairFigures } from './cases/pair-targets';
import type { PhaseFigures, TargetFigures } from './cases/route-load';
import type { TracingFigures } from './cases/tracing';
import { BENCH_CASES, type BenchOutput } from './run-bench';

const ROOT = resolve(import.meta.dirname, '..');

function runQuickBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'gochat.mjs'), 'bench', '--quick', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

/** A phase that delivered everything it was sent, once, in order, with latencies measured. */
function assertClean(where: string, phase: PhaseFigures): void {
  const { counts } = phase;
  assert.ok(counts.sent > 0 || phase.phase.kind === 'online', `${where}: nothing sent`);
  assert.equal(counts.acked, counts.sent, `${where}: acked ${counts.acked} of ${counts.sent}`);
  assert.ok(counts.delivered > 0, `${where}: nothing delivered`);
  assert.equal(counts.lost, 0, `${where}: lost ${counts.lost}`);
  assert.equal(counts.unanswered, 0, `${where}: unanswered ${counts.unanswered}`);
  assert.equal(counts.duplicates, 0, `${where}: duplicates`);
  assert.equal(counts.outOfOrder, 0, `${where}: out of order`);
  assert.deepEqual(counts.errors, {}, `${where}: errors`);
  assert.ok(phase.latency.count > 0 && phase.latency.maxMs > 0, `${where}: no latency measured`);
}

/** Every ack timed, and every delivery cut where its push says the message was stored. */
function assertSplit(where: string, target: TargetFigures): void {
  for (const phase of target.phases) {
    const { split, counts } = phase;
    assert.ok(split, `${where} ${phase.label}: no latency split`);
    assert.equal(split.ack.count, counts.acked, `${where} ${phase.label}: acks timed`);
    assert.equal(
      split.storedToDelivered.count,
      counts.delivered,
      `${where} ${phase.label}: deliveries cut at sentAtMs`,
    );
    assert.ok(split.toStored.count > 0 && split.toStored.count <= counts.acked, `${where} ${phase.label}: to stored`);
  }
}

function assertTarget(where: string, target: TargetFigures): void {
  assert.ok(target.phases.length > 0, `${where}: no phase ran`);
  for (const phase of target.phases) assertClean(`${where} ${phase.label}`, phase);
}

test('gochat bench --quick runs every case and each produces its figures', { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gochat-bench-test-'));
  try {
    const out = join(dir, 'bench.json');
    const { code, output } = await runQuickBench(out);
    assert.equal(code, 0, output);
    const result = JSON.parse(readFileSync(out, 'utf8')) as BenchOutput;
    assert.deepEqual(result.failures, {});
    // Where the time went, for the CI log (never asserted).
    for (const [name, c] of Object.entries(result.cases)) t.diagnostic(`${name}: ${(c.elapsedMs / 1000).toFixed(1)} s`);
    assert.deepEqual(Object.keys(result.cases).sort(), BENCH_CASES.map((c) => c.name).sort());
    assert.ok(result.machine.cores > 0 && result.machine.node.startsWith('v'));
    const figures = (name: string) => result.cases[name]?.figures as Record<string, unknown>;

    for (const name of ['p2p', 'pipeline']) {
      const pair = figures(name) as unknown as PairFigures;
      assertTarget(`${name} system`, pair.system);
      assertTarget(`${name} relay`, pair.relay);
      assertSplit(`${name} system`, pair.system);
      assertSplit(`${name} relay`, pair.relay);
      assert.ok(pair.ratios.length > 0 && pair.ratios.every((r) => r.p50 !== undefined && r.p50 > 0));
    }
    assert.ok((figures('pipeline').ackedPerSec as number) > 0);
    assert.match(output, /\| target +\| load +\| send->ack p50 ms/);

    const group = figures('group') as {
      system: Record<string, TargetFigures>;
      relay: Record<string, TargetFigures>;
      plan: { large: { online: number } };
    };
    for (const target of ['system', 'relay'] as const) {
      assertTarget(`group ${target} small`, group[target].small!);
      assertTarget(`group ${target} large`, group[target].large!);
      assert.equal(group[target].large!.phases[0]!.counts.delivered, group.plan.large.online - 1);
    }

    const presence = figures('presence');
    assert.equal(presence.notified, presence.friends);
    assert.ok((presence.allNotifiedMs as number) > 0);

    const connections = figures('connections');
    assert.ok((connections.opened as number) > 0);
    assert.equal(connections.opened, connections.attempted);
    assert.equal(typeof connections.gatewayBytesPerConnection, 'number');

    // Throughput with span export off and on, from the same run: both measured, nothing lost in either.
    const tracing = figures('tracing') as unknown as TracingFigures;
    assertTarget('tracing off', tracing.off);
    assertTarget('tracing on', tracing.on);
    assert.ok(tracing.deliveredRatio !== undefined && tracing.deliveredRatio > 0);
    assert.match(output, /tracing +\| delivered msgs\/s/);

    const startup = figures('startup');
    for (const key of ['firstUpMs', 'firstDownMs', 'restartUpMs', 'restartDownMs']) {
      assert.ok((startup[key] as number) > 0, `startup ${key}`);
    }

    const broker = figures('broker') as Record<string, { recordsPerSec: number }>;
    for (const key of ['produce', 'consume', 'file', 'socket'])
      assert.ok(broker[key]!.recordsPerSec > 0, `broker ${key}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
