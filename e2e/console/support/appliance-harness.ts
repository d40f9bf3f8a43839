// Starts a whole appliance (supervisor with embedded infra, N gateways) and its console API in a temp data dir,
// for the console's end-to-end tests; also runnable by hand to look at the UI:
//   node --import tsx e2e/console/support/appliance-harness.ts     (prints the console URL; Ctrl-C stops everything)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRenderer } from '../../../appliance/api/http/renderer-assets';
import { startConsole, type RunningConsole } from '../../../appliance/api/start-console';
import { Supervisor } from '../../../appliance/supervisor/supervisor';

export interface RunningAppliance {
  supervisor: Supervisor;
  console: RunningConsole;
  dataDir: string;
  /** A call to the appliance API with its token: GET, or POST with a JSON body; throws on an answer not 2xx. */
  api<T>(path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startAppliance(
  options: { gateways?: number; quiet?: boolean; tracing?: boolean } = {},
): Promise<RunningAppliance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gochat-console-e2e-'));
  const say = options.quiet ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  const supervisor = new Supervisor({
    dataDir,
    infra: 'embedded',
    gateways: options.gateways ?? 2,
    progress: say,
    ...(options.tracing ? { tracing: true } : {}),
  });
  try {
    await supervisor.startAll();
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // A fresh UI build per run, so a stale out/renderer never hides a change from the tests.
  const rendererDir = await buildRenderer(() => undefined, join(dataDir, 'console-ui'));
  const console = await startConsole(supervisor, { port: 0, log: say, rendererDir });
  return {
    supervisor,
    console,
    dataDir,
    async api<T>(path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${console.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${console.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok)
        throw new Error(`${body === undefined ? 'GET' : 'POST'} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async stop() {
      await console.close();
      await supervisor.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const appliance = await startAppliance();
  process.stdout.write(`console: ${appliance.console.consoleUrl}\n`);
  const stop = () => void appliance.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
