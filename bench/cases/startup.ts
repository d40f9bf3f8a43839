// startup: `gochat up` (embedded infra) until it prints `ready`, on a new data dir and again on the same dir
// (a restart: the broker log, SQLite and Redis dump are there), and `gochat down` until every process is gone.
// On appliances of its own; in a --quick run on the shared one (its start is the first start), to save two
// starts, so there the data dir has what the earlier quick cases stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../report/table';
import { FreshAppliance } from '../support/fresh-appliance';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';

async function upAndDown(
  dataDir: string,
  options: CaseOptions,
  label: string,
): Promise<{ upMs: number; downMs: number }> {
  options.progress.step(`startup: gochat up (${label})`);
  const upStart = Date.now();
  const appliance = await FreshAppliance.start({
    gateways: options.gateways,
    dataDir,
    onLine: (line) => options.progress.update(line),
  });
  const upMs = Date.now() - upStart;
  options.progress.step(`startup: ready after ${(upMs / 1000).toFixed(1)} s; gochat down`);
  const downStart = Date.now();
  await appliance.stop(true);
  return { upMs, downMs: Date.now() - downStart };
}

export const startupCase: BenchCase = {
  name: 'startup',
  description: 'gochat up until ready (new data dir, then a restart on it) and gochat down',
  async run(options: CaseOptions): Promise<CaseResult> {
    const dataDir = mkdtempSync(join(tmpdir(), 'gochat-bench-startup-'));
    try {
      let first: { upMs: number; downMs: number };
      let restart: { upMs: number; downMs: number };
      if (options.appliances.shared) {
        const times = await options.appliances.cycleShared();
        first = { upMs: times.firstUpMs, downMs: times.firstDownMs };
        restart = { upMs: times.restartUpMs, downMs: times.restartDownMs };
      } else {
        first = await upAndDown(dataDir, options, 'new data dir');
        restart = await upAndDown(dataDir, options, 'restart on the same data dir');
      }
      return {
        name: 'startup',
        title: `startup: gochat up --infra embedded --gateways ${options.gateways} until ready, and gochat down`,
        figures: {
          firstUpMs: first.upMs,
          firstDownMs: first.downMs,
          restartUpMs: restart.upMs,
          restartDownMs: restart.downMs,
        },
        tables: [
          renderTable(
            ['run', 'up to ready s', 'down s'],
            [
              ['new data dir', first.upMs / 1000, first.downMs / 1000],
              ['restart', restart.upMs / 1000, restart.downMs / 1000],
            ],
          ),
        ],
        notes: [],
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
