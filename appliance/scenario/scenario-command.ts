// `gochat scenario check <file...>` and `gochat scenario run <file...>`: every file is checked before anything
// runs; runs go against the appliance running on --appliance (default ./.gochat) or one started for them.
import { writeFileSync } from 'node:fs';
import { startAppliance, attachRunning, type ApplianceSession } from './adapters/appliance-session';
import { junitReport, stepLine, summaryLine, worthALine } from './domain/report';
import { runScenario, type RunResult } from './domain/run-scenario';
import { loadScenarioFile } from './format/load';
import { ScenarioFileError, type Scenario } from './format/model';

export interface ScenarioRunOptions {
  appliance?: string;
  junit?: string;
  /** Print only failures and the summary. */
  quiet?: boolean;
}

const DEFAULT_DATA_DIR = './.gochat';
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Loads every file; prints every problem of every file; null when any file has one. */
function loadAll(files: string[]): Scenario[] | null {
  const scenarios: Scenario[] = [];
  let bad = false;
  for (const file of files) {
    try {
      scenarios.push(loadScenarioFile(file));
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      bad = true;
      process.stderr.write(`${error.message}\n`);
    }
  }
  return bad ? null : scenarios;
}

export function runScenarioCheck(files: string[]): number {
  const scenarios = loadAll(files);
  if (!scenarios) return 1;
  for (const s of scenarios) out(`ok ${s.file}: ${s.name} (${s.actors.length} actors, ${s.steps.length} steps)`);
  return 0;
}

async function session(options: ScenarioRunOptions, gateways: number): Promise<ApplianceSession> {
  const dataDir = options.appliance ?? DEFAULT_DATA_DIR;
  const running = attachRunning(dataDir);
  if (running) {
    out(`using ${running.origin}`);
    return running;
  }
  // An explicit data dir is used (and kept) even when nothing runs on it; by default a throwaway one.
  return startAppliance({ ...(options.appliance ? { dataDir: options.appliance } : {}), gateways, log: out });
}

export async function runScenarioFiles(files: string[], options: ScenarioRunOptions): Promise<number> {
  const scenarios = loadAll(files);
  if (!scenarios) return 1;
  let appliance: ApplianceSession;
  try {
    appliance = await session(options, Math.max(...scenarios.map((s) => s.gateways)));
  } catch (error) {
    process.stderr.write(`no appliance to run against: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const results: RunResult[] = [];
  try {
    for (const scenario of scenarios) {
      out(`\nscenario: ${scenario.name} (${scenario.file})`);
      const result = await runScenario(scenario, {
        gateways: appliance.gateways,
        ops: appliance.ops,
        listener: (event) => {
          if (event.type !== 'step' || event.status === 'running') return;
          if (worthALine(event) && (!options.quiet || event.status === 'failed')) out(stepLine(event));
        },
      });
      results.push(result);
      out(summaryLine(result));
    }
  } finally {
    await appliance.close();
  }
  if (options.junit) writeFileSync(options.junit, junitReport(results));
  const failed = results.filter((r) => !r.ok).length;
  out(`\n${results.length - failed} of ${results.length} scenario${results.length === 1 ? '' : 's'} passed`);
  return failed === 0 ? 0 : 1;
}
