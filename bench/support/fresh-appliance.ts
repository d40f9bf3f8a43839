// Every case runs on a fresh appliance: `gochat up --infra embedded` on a new temp data dir as a child process,
// waited for until it prints `ready`, and stopped with `gochat down` and its dir removed when the case is done.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataDirLayout, readApplianceRecord, type ApplianceRecord } from '../../appliance/supervisor/data-dir';
import { LineSplitter } from '../../appliance/supervisor/log-lines';
import { processTree } from './target-cpu';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
const GOCHAT_BIN = join(PROJECT_ROOT, 'bin', 'gochat.mjs');
const READY_TIMEOUT_MS = 180_000;

/** Appliances still running, stopped if the bench is interrupted. */
const running = new Set<FreshAppliance>();

export interface FreshApplianceOptions {
  gateways: number;
  /** Told about each line `gochat up` prints while starting. */
  onLine?: (line: string) => void;
  /** An existing data dir (the startup case restarts on one); a new temp dir otherwise. */
  dataDir?: string;
  /** Added to the environment of `gochat up` (the tracing case's GOCHAT_TRACING=off). */
  env?: Record<string, string>;
}

export class FreshAppliance {
  private readonly output: string[] = [];
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    private readonly ownsDir: boolean,
  ) {
    this.exited = new Promise((resolveExit) =>
      child.on('exit', (code) => {
        this.exitCode = code;
        running.delete(this);
        resolveExit();
      }),
    );
  }

  /** Starts `gochat up` and resolves once it printed `ready`; fails with its output if it did not. */
  static async start(options: FreshApplianceOptions): Promise<FreshAppliance> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gochat-bench-'));
    const args = ['up', '--infra', 'embedded', '--data-dir', dataDir, '--admin-port', '0', '--no-console-build'];
    args.push('--no-seed', '--gateways', String(options.gateways));
    // The soft open-file limit raised to the hard one first: a gateway holding thousands of connections needs it.
    const raiseLimit = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
    const child = spawn('/bin/sh', ['-c', raiseLimit, process.execPath, GOCHAT_BIN, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    const appliance = new FreshAppliance(child, dataDir, options.dataDir === undefined);
    running.add(appliance);
    installInterruptHandler();
    try {
      await appliance.waitForReady(options.onLine);
    } catch (err) {
      await appliance.stop();
      throw err;
    }
    return appliance;
  }

  private waitForReady(onLine: ((line: string) => void) | undefined): Promise<void> {
    return new Promise((resolveReady, reject) => {
      const splitter = new LineSplitter();
      let ready = false;
      const onChunk = (chunk: Buffer): void => {
        for (const line of splitter.push(chunk)) {
          this.output.push(line);
          if (!ready) onLine?.(line);
          if (!ready && /^ready: /.test(line)) {
            ready = true;
            clearTimeout(timer);
            resolveReady();
          }
        }
      };
      this.child.stdout?.on('data', onChunk);
      this.child.stderr?.on('data', onChunk);
      const timer = setTimeout(
        () => reject(new Error(`gochat up: no ready within ${READY_TIMEOUT_MS} ms:\n${this.output.join('\n')}`)),
        READY_TIMEOUT_MS,
      );
      void this.exited.then(() => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`gochat up exited (${this.exitCode}) before ready:\n${this.output.join('\n')}`));
      });
    });
  }

  record(): ApplianceRecord {
    const record = readApplianceRecord(dataDirLayout(this.dataDir));
    if (!record) throw new Error(`no appliance.json in ${this.dataDir}`);
    return record;
  }

  /** The appliance API (the console's): its base URL and the token it requires. */
  adminApi(): { url: string; token: string } {
    const record = this.record();
    const token = record.consoleUrl ? new URL(record.consoleUrl).searchParams.get('token') : null;
    if (!record.admin || !token) throw new Error(`no appliance API address or token in ${this.dataDir}/appliance.json`);
    return { url: record.admin.url, token };
  }

  /** The gateways' HTTP base URLs (http://host:port), gw-1 first. */
  gatewayUrls(): string[] {
    const urls = this.record()
      .services.filter((service) => /^gw-\d+$/.test(service.name) && service.addresses.http)
      .sort((a, b) => Number(a.name.slice(3)) - Number(b.name.slice(3)))
      .map((service) => `http://${service.addresses.http}`);
    if (urls.length === 0) throw new Error(`no gateway with an http address in ${this.dataDir}/appliance.json`);
    return urls;
  }

  /** Every process of the appliance: `gochat up` (supervisor and embedded broker) and all it started. */
  pids(): number[] {
    return processTree(this.child.pid);
  }

  /** The pid of a service process (gw-1, im-logic, ...) from appliance.json. */
  pidOf(name: string): number | undefined {
    return this.record().services.find((service) => service.name === name)?.pid ?? undefined;
  }

  /** `gochat down`, then waits for `gochat up` to exit; the temp data dir is removed unless `keepDir`. */
  async stop(keepDir = false): Promise<void> {
    if (this.exitCode === undefined) {
      await runGochat(['down', '--data-dir', this.dataDir]);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsDir && !keepDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs a short gochat command to completion; resolves with its exit code and output. */
export function runGochat(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [GOCHAT_BIN, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolveRun({ status, output }));
  });
}

let interruptHandlerInstalled = false;

/** On Ctrl-C, stops the appliances this bench started before exiting. */
function installInterruptHandler(): void {
  if (interruptHandlerInstalled) return;
  interruptHandlerInstalled = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nbench: ${signal}, stopping ${running.size} appliance(s)...\n`);
    void Promise.all([...running].map((appliance) => appliance.stop())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
