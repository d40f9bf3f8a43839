// Starts and stops the relay baseline (bench/relay/relay-server.ts) as a child process of the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { processTree } from '../support/target-cpu';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export class RelayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(): Promise<RelayProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'relay-server.ts')], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new Promise((resolveStart, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`relay did not start within 30 s: ${output}`));
      }, 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /relay listening on (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveStart(new RelayProcess(child, Number(match[1])));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`relay exited (${code}) before listening: ${output}`));
      });
    });
  }

  /** The ws URL a load generator uses to connect as `userId`, a member of `groups`. */
  wsUrl(userId: string, groups: string[] = []): string {
    const groupQuery = groups.length > 0 ? `&groups=${groups.map(encodeURIComponent).join(',')}` : '';
    return `ws://127.0.0.1:${this.port}/ws?token=${encodeURIComponent(userId)}${groupQuery}`;
  }

  pids(): number[] {
    return processTree(this.child.pid);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
