// `gochat bench`: runs the chosen cases one after another, each on its own fresh appliance, prints a table per
// case on stdout (progress goes to stderr) and writes every figure with the machine it ran on to --out.
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchCase, CaseOptions, CaseResult } from './cases/bench-case';
import { p2pCase } from './cases/p2p';
import { pipelineCase } from './cases/pipeline';
import { groupCase } from './cases/group';
import { presenceCase } from './cases/presence';
import { connectionsCase } from './cases/connections';
import { startupCase } from './cases/startup';
import { brokerCase } from './cases/broker';
import { tracingCase } from './cases/tracing';
import { writePerformanceDoc } from './report/performance-doc';
import { ApplianceSource } from './support/appliance-source';
import { machineInfo, type MachineInfo } from './support/machine';
import { Progress } from './support/progress';

export const BENCH_CASES: BenchCase[] = [
  p2pCase,
  pipelineCase,
  groupCase,
  presenceCase,
  connectionsCase,
  // before startup: in a quick run that case ends the shared appliance tracing measures "on" with
  tracingCase,
  startupCase,
  brokerCase,
];

export interface BenchOptions {
  quick?: boolean;
  case?: string[];
  out?: string;
  /** Write docs/performance.md (and its plot beside it) from the figures. */
  doc?: string;
  /** With doc: a line on the conditions of the run (machine shared, ...). */
  docNote?: string;
  /** Read the figures of an earlier run instead of running (with doc). */
  from?: string;
  gateways: number;
  generators: number;
}

export interface BenchOutput {
  version: 1;
  machine: MachineInfo;
  options: { quick: boolean; cases: string[]; gateways: number; generators: number };
  elapsedMs: number;
  cases: Record<string, CaseResult & { elapsedMs: number }>;
  /** Cases that failed, with the error; the others still ran. */
  failures: Record<string, string>;
}

/** Bad options: printed as one line (no stack), exit code 2. */
class BenchUsageError extends Error {}

function chooseCases(names: string[] | undefined): BenchCase[] {
  if (!names || names.length === 0) return BENCH_CASES;
  return names.map((name) => {
    const found = BENCH_CASES.find((c) => c.name === name);
    if (!found) {
      throw new BenchUsageError(
        `unknown bench case "${name}"; the cases are ${BENCH_CASES.map((c) => c.name).join(', ')}`,
      );
    }
    return found;
  });
}

function printResult(result: CaseResult, elapsedMs: number): void {
  const lines = [`## ${result.title}`, '', ...result.tables.flatMap((table) => [table, ''])];
  if (result.notes.length > 0) lines.push(...result.notes.map((note) => `note: ${note}`), '');
  lines.push(`(${result.name} took ${(elapsedMs / 1000).toFixed(1)} s)`, '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs the cases one after another; a failed case is recorded and the next one still runs. */
async function runCases(cases: BenchCase[], output: BenchOutput, caseOptions: CaseOptions): Promise<void> {
  const { progress } = caseOptions;
  for (const benchCase of cases) {
    progress.step(`case ${benchCase.name}: ${benchCase.description}`);
    const caseStart = Date.now();
    try {
      const result = await benchCase.run(caseOptions);
      const elapsedMs = Date.now() - caseStart;
      printResult(result, elapsedMs);
      output.cases[benchCase.name] = { ...result, elapsedMs };
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      output.failures[benchCase.name] = message;
      process.stdout.write(`## ${benchCase.name}: FAILED\n\n${message}\n\n`);
    }
  }
}

export async function runBench(options: BenchOptions): Promise<number> {
  try {
    return await runChecked(options);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`gochat bench: ${err.message}\n`);
    return 2;
  }
}

async function runChecked(options: BenchOptions): Promise<number> {
  if (options.from) {
    if (!options.doc) throw new BenchUsageError('--from reads an earlier run for --doc; give --doc <file> too');
    let output: BenchOutput;
    try {
      output = JSON.parse(readFileSync(options.from, 'utf8')) as BenchOutput;
    } catch (err) {
      throw new BenchUsageError(`--from ${options.from}: ${(err as Error).message}`);
    }
    for (const path of await writePerformanceDoc(output, options.doc, options.docNote))
      process.stderr.write(`wrote ${path}\n`);
    return 0;
  }
  const cases = chooseCases(options.case);
  const quick = options.quick === true;
  const progress = new Progress();
  const output: BenchOutput = {
    version: 1,
    machine: machineInfo(),
    options: { quick, cases: cases.map((c) => c.name), gateways: options.gateways, generators: options.generators },
    elapsedMs: 0,
    cases: {},
    failures: {},
  };
  const { machine } = output;
  process.stdout.write(
    `# gochat bench${quick ? ' --quick' : ''}: ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, ` +
      `commit ${machine.gitCommit}, load average ${machine.loadAverage1m}\n\n`,
  );
  const started = Date.now();
  const appliances = new ApplianceSource(options.gateways, quick, progress);
  try {
    await runCases(cases, output, {
      quick,
      gateways: options.gateways,
      generators: options.generators,
      progress,
      appliances,
    });
  } finally {
    await appliances.close();
  }
  output.elapsedMs = Date.now() - started;
  if (options.out) {
    writeFileSync(options.out, `${JSON.stringify(output, null, 2)}\n`);
    progress.step(`figures written to ${options.out}`);
  }
  if (options.doc) {
    for (const path of await writePerformanceDoc(output, options.doc, options.docNote)) progress.step(`wrote ${path}`);
  }
  progress.step(`done in ${(output.elapsedMs / 1000).toFixed(0)} s`);
  return Object.keys(output.failures).length > 0 ? 1 : 0;
}
