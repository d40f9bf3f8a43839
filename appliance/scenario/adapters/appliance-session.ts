// The appliance a scenario runs against: the one running on a data dir (found through its appliance.json and
// lock), or one started for the run with `gochat up` as a child process and stopped after, so nothing is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataDirLayout, lockHolder, readApplianceRecord, type ApplianceRecord } from '../../supervisor/data-dir';
import { LineSplitter } from '../../supervisor/log-lines';
import { ApplianceApiClient } from './appliance-api-client';
import { WsGateways } from './ws-gateways';

const GOCHAT_BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'gochat.mjs');
const START_WITHIN_MS = 180_000;

export interface ApplianceSession {
  gateways: WsGateways;
  ops: ApplianceApiClient;
  /** Where it came from, for the report ("running on .gochat", "started in /tmp/..."). */
  origin: string;
  close(): Promise<void>;
}

function sessionOf(record: ApplianceRecord, origin: string, close: () => Promise<void>): ApplianceSession {
  const urls = new Map<string, string>();
  for (const service of record.services)
    if (/^gw-\d+$/.test(service.name) && service.addresses.http)
      urls.set(service.name, `http://${service.addresses.http}`);
  const consoleUrl = record.consoleUrl ? new URL(record.consoleUrl) : null;
  const token = consoleUrl?.searchParams.get('token');
  if (!record.admin || !token)
    throw new Error(`the appliance in ${record.dataDir} has no console API (it started without one)`);
  if (urls.size === 0) throw new Error(`the appliance in ${record.dataDir} lists no gateway`);
  return { gateways: new WsGateways(urls), ops: new ApplianceApiClient(record.admin.url, token), origin, close };
}

/** The appliance running on this data dir, or null when none is. */
export function attachRunning(dataDir: string): ApplianceSession | null {
  const layout = dataDirLayout(dataDir);
  if (lockHolder(layout) === undefined) return null;
  const record = readApplianceRecord(layout);
  if (!record?.running || !record.consoleUrl) return null;
  return sessionOf(record, `the appliance running on ${layout.root}`, async () => undefined);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `gochat up` (embedded infra, no demo data) on dataDir, or on a temp dir removed afterwards. */
export async function startAppliance(options: {
  dataDir?: string;
  gateways: number;
  log: (line: string) => void;
}): Promise<ApplianceSession> {
  const temp = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gochat-scenario-'));
  // No --log-level above info: the supervisor counts a service as up when it logs "ready" (info).
  const args = [
    GOCHAT_BIN,
    'up',
    '--data-dir',
    dataDir,
    '--admin-port',
    '0',
    '--infra',
    'embedded',
    '--gateways',
    String(options.gateways),
    '--no-seed',
    '--no-console-build',
  ];
  options.log(`starting an appliance in ${dataDir} (${options.gateways} gateway${options.gateways === 1 ? '' : 's'})`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    if (temp) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((ready, fail) => {
      const splitter = new LineSplitter();
      const timer = setTimeout(
        () =>
          fail(
            new Error(
              `the appliance did not print ready within ${START_WITHIN_MS} ms:\n${output.slice(-20).join('\n')}`,
            ),
          ),
        START_WITHIN_MS,
      );
      const onChunk = (chunk: Buffer): void => {
        for (const line of splitter.push(chunk)) {
          output.push(line);
          if (line.startsWith('ready: ')) {
            clearTimeout(timer);
            ready();
          }
        }
      };
      child.stdout.on('data', onChunk);
      child.stderr.on('data', onChunk);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`gochat up exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`));
      });
    });
    const record = readApplianceRecord(dataDirLayout(dataDir));
    if (!record) throw new Error(`gochat up is ready but wrote no appliance.json in ${dataDir}`);
    return sessionOf(record, `an appliance started in ${dataDir}`, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
