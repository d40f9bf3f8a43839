// docs/performance.md from a bench's JSON output: the machine, the commands, a summary of the ratios to the
// baselines, every case's tables and notes, and the latency plot (an SVG written beside the document).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { dirname, join } from 'node:path';
import type { PairFigures } from '../cases/pair-targets';
import type { TargetFigures } from '../cases/route-load';
import type { BenchOutput } from '../run-bench';
import { latencyPlot } from './latency-plot';
import { formatNumber } from './table';

const PLOT_FILE = 'performance-latency.svg';

const CASES_EXPLAINED = [
  '- `p2p`: N pairs of friends, each user on its own WebSocket; latency = recipient receive - sender send (one',
  '  clock: both ends in one load generator process) at fixed offered rates, then delivered msgs/s with a window',
  '  of unacked sends per sender. Higher rates are skipped once the system fell behind at a lower one. First 15 s',
  '  at that window, untimed, so that no timed phase runs on a just-started appliance (code V8 has not optimised',
  '  yet, heaps not yet sized for the load); what that warm-up delivered is printed among the notes. (Until',
  '  2026-12-03 the warm-up was 3 s; figures on this page from before then are of an appliance 10-25 s old.) A',
  "  second table splits the time: the sender's wait for its ack, and the way to the recipient cut at the push's",
  "  `sentAtMs` (when im-repo stored the message; for the relay, when it forwarded it), on the same machine's clock.",
  '- `pipeline`: one connection sending with a large window of unacked sends: acked msgs/s (after 2 s of the same',
  '  load, untimed).',
  '- `group`: a small group where every member sends (stored = acked msgs/s, fanned out = deliveries/s; every',
  '  member must get every message once, in seq order) at a fixed rate, with 2 unacked sends per member, then with',
  '  10 (as many as p2p saturation keeps); and one message to a large group with a tenth online.',
  '- `presence`: a user with many online friends connects: time until every friend has the online signal.',
  '- `connections`: idle authenticated WebSockets held by one gateway, and its RSS per connection.',
  '- `startup`: `gochat up` until `ready` (new data dir, then a restart on it) and `gochat down`.',
  '- `broker`: the embedded broker alone through kafkajs, beside a local file (write + fsync) and a loopback socket.',
  '',
  'The baselines run in the same bench run, on the same machine, right after the system: a bare WebSocket relay',
  '(bench/relay/relay-server.ts: forwards each send to the recipient, no Kafka, no storage) for the message',
  'cases, and the file and socket for the broker. Ratios to them (`x`) move less with the machine than the',
  'absolute figures. Load generators are separate processes and say when they could not keep up (CPU, event',
  "loop delay, schedule lag); such figures are the generator's limit, not the system's. Each phase also gives the",
  "target's CPU per message and the cores it kept busy (all its processes, from /proc) and the host's steal time:",
  'on a shared host, steal above a few percent means every figure of that phase is below what the machine can do.',
].join('\n');

function summary(output: BenchOutput): string[] {
  const lines: string[] = [];
  const p2p = output.cases.p2p?.figures as PairFigures | undefined;
  if (p2p) {
    for (const r of p2p.ratios) {
      const system = p2p.system.phases.find((p) => p.label === r.label);
      lines.push(
        `- p2p ${r.label}: system p50 ${formatNumber(system?.latency.p50Ms)} ms / p99 ${formatNumber(system?.latency.p99Ms)} ms, ` +
          `${formatNumber(r.p50)} x / ${formatNumber(r.p99)} x the relay's; delivered ${formatNumber(system?.deliveredPerSec)} msgs/s ` +
          `(${formatNumber(r.deliveredPerSec)} x the relay's)`,
      );
    }
  }
  const pipeline = output.cases.pipeline?.figures as { ackedPerSec?: number; relayAckedPerSec?: number } | undefined;
  if (pipeline?.ackedPerSec !== undefined) {
    lines.push(
      `- pipeline: ${formatNumber(pipeline.ackedPerSec)} acked msgs/s on one connection (relay ${formatNumber(pipeline.relayAckedPerSec)})`,
    );
  }
  const group = output.cases.group?.figures as
    { smallGroup?: Record<string, number>; largeGroup?: Record<string, number | undefined> } | undefined;
  if (group?.smallGroup) {
    lines.push(
      `- group, window ${group.smallGroup.window ?? '-'}: ${formatNumber(group.smallGroup.storedPerSec)} stored and ${formatNumber(group.smallGroup.fannedOutPerSec)} ` +
        `fanned-out msgs/s (relay fans out ${formatNumber(group.smallGroup.relayFannedOutPerSec)}); every online member of the ` +
        `large group had the message after ${formatNumber(group.largeGroup?.everyOnlineMemberHadItMs)} ms (relay ${formatNumber(group.largeGroup?.relayMs)} ms)`,
    );
  }
  const presence = output.cases.presence?.figures as Record<string, number> | undefined;
  if (presence) {
    lines.push(
      `- presence: ${presence.notified} of ${presence.friends} friends notified, all after ${formatNumber(presence.allNotifiedMs)} ms`,
    );
  }
  const connections = output.cases.connections?.figures as Record<string, number | undefined> | undefined;
  if (connections) {
    const perConn = connections.gatewayBytesPerConnection;
    lines.push(
      `- connections: ${connections.opened} of ${connections.target} held by one gateway, ` +
        `${perConn === undefined ? '-' : formatNumber(perConn / 1024, 1)} KiB of gateway RSS each`,
    );
  }
  const startup = output.cases.startup?.figures as Record<string, number> | undefined;
  if (startup) {
    lines.push(
      `- startup: ready after ${formatNumber(startup.firstUpMs! / 1000)} s (new data dir), ${formatNumber(startup.restartUpMs! / 1000)} s ` +
        `(restart); down in ${formatNumber(startup.firstDownMs! / 1000)} s`,
    );
  }
  const broker = output.cases.broker?.figures as Record<string, number | { recordsPerSec: number }> | undefined;
  if (broker) {
    const rps = (key: string) => (broker[key] as { recordsPerSec: number }).recordsPerSec;
    lines.push(
      `- broker: produce ${formatNumber(rps('produce'))} records/s (${formatNumber(broker.produceVsFile as number, 3)} x a ` +
        `local file with fsync), consume ${formatNumber(rps('consume'))} records/s`,
    );
  }
  return lines;
}

function plot(output: BenchOutput): string | undefined {
  const p2p = output.cases.p2p?.figures as PairFigures | undefined;
  if (!p2p) return undefined;
  const labels = [
    ...new Set(
      [...p2p.system.phases, ...p2p.relay.phases].map((p) => p.label).concat(p2p.system.skipped.map((s) => s.label)),
    ),
  ];
  const order = (label: string): number =>
    label.startsWith('window') ? Number.MAX_SAFE_INTEGER : Number(label.replace(/\D/g, ''));
  labels.sort((a, b) => order(a) - order(b));
  const values = (target: TargetFigures, pick: 'p50Ms' | 'p99Ms') =>
    labels.map((label) => target.phases.find((p) => p.label === label)?.latency[pick]);
  return latencyPlot(`p2p latency, ${p2p.config.pairs} pairs: system vs bare WebSocket relay`, labels, [
    { name: 'system p50', color: '#c0392b', dashed: false, values: values(p2p.system, 'p50Ms') },
    { name: 'system p99', color: '#c0392b', dashed: true, values: values(p2p.system, 'p99Ms') },
    { name: 'relay p50', color: '#2471a3', dashed: false, values: values(p2p.relay, 'p50Ms') },
    { name: 'relay p99', color: '#2471a3', dashed: true, values: values(p2p.relay, 'p99Ms') },
  ]);
}

/** Everything from this line on in the document is written by hand and kept by --doc. */
export const HAND_WRITTEN_MARKER = '<!-- written by hand from here on: gochat bench --doc keeps it -->';

/** Writes the document and its plot; `note` says under what conditions the figures were taken. */
export async function writePerformanceDoc(
  output: BenchOutput,
  docPath: string,
  note: string | undefined,
): Promise<string[]> {
  const { machine } = output;
  const svg = plot(output);
  const lines = [
    '# Performance',
    '',
    `Measured by \`gochat bench${output.options.quick ? ' --quick' : ''}\` on ${machine.date.slice(0, 10)} at commit ${machine.gitCommit}; ` +
      `every case on a fresh appliance with the embedded infrastructure (\`gochat up --infra embedded\`).`,
    ...(note ? ['', `> ${note}`] : []),
    '',
    '## Machine',
    '',
    `${machine.cpuModel}, ${machine.cores} cores, ${formatNumber(machine.totalMemoryMiB / 1024, 1)} GiB, ${machine.os}, ` +
      `node ${machine.node}; load average ${machine.loadAverage1m} when the bench started` +
      (machine.loadAverage1m > machine.cores
        ? ' (above the core count: other work shared the machine, so the figures are noisy)'
        : '') +
      '.',
    '',
    '## Commands',
    '',
    '| command | what it does |',
    '| --- | --- |',
    '| `npx gochat bench` (`npm run bench`) | every case, full size (about half an hour on 2 cores) |',
    '| `npx gochat bench --quick` | every case, small and short (what CI runs, in bench/bench.int.test.ts) |',
    '| `npx gochat bench --case p2p group` | only those cases |',
    '| `npx gochat bench --out bench.json --doc docs/performance.md` | write the figures as JSON and regenerate this page and its plot |',
    '| `npx gochat bench --from bench.json --doc docs/performance.md` | regenerate this page from an earlier run, without running anything |',
    '',
    '## What is measured',
    '',
    CASES_EXPLAINED,
    '',
    '## Summary',
    '',
    ...summary(output),
    ...(Object.keys(output.failures).length > 0
      ? ['', `Failed cases: ${Object.keys(output.failures).join(', ')}.`]
      : []),
    '',
    ...(svg ? [`![p2p latency against offered load, system and relay](${PLOT_FILE})`, ''] : []),
  ];
  for (const [name, result] of Object.entries(output.cases)) {
    lines.push(`## ${name}`, '', result.title, '');
    for (const table of result.tables ?? []) lines.push(table, '');
    for (const caseNote of result.notes) lines.push(`- ${caseNote}`);
    if (result.notes.length > 0) lines.push('');
  }
  // Formatted as the repository's `prettier --check` wants it, so a regenerated page passes CI as it is.
  const options = { ...(await resolveConfig(docPath)), filepath: docPath };
  // What people wrote below the marker (profiles, before/after comparisons) is kept when the figures are redone.
  const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const kept = previous.includes(HAND_WRITTEN_MARKER) ? previous.slice(previous.indexOf(HAND_WRITTEN_MARKER)) : '';
  if (kept) lines.push('', kept);
  writeFileSync(docPath, await format(`${lines.join('\n').trimEnd()}\n`, options));
  const written = [docPath];
  if (svg) {
    const svgPath = join(dirname(docPath), PLOT_FILE);
    writeFileSync(svgPath, svg);
    written.push(svgPath);
  }
  return written;
}
