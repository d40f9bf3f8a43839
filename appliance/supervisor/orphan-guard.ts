// Children die with the supervisor: a guard process (orphan-guard-main.ts) watches the supervisor through a pipe
// and stops the children it was told about when the supervisor dies without releasing it, even by SIGKILL, which
// no exit handler in the supervisor itself can catch. redis-server is covered too, which a watch inside the
// services could not do.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { nodeCommand } from './node-command';

export class OrphanGuard {
  private readonly child: ChildProcess;
  private last = '';

  constructor(projectRoot: string, tsxLoader: string) {
    // Its own process group, so a terminal's signals reach only the supervisor.
    const node = nodeCommand(['--import', tsxLoader, join('appliance', 'supervisor', 'orphan-guard-main.ts')], {
      ...process.env,
      NODE_TEST_CONTEXT: undefined,
    });
    this.child = spawn(node.command, node.args, {
      cwd: projectRoot,
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      env: node.env,
    });
    this.child.on('error', () => undefined);
    this.stdin.on('error', () => undefined);
    // Neither the guard nor its pipe may keep the supervisor alive.
    this.child.unref();
    (this.stdin as Writable & { unref?: () => void }).unref?.();
  }

  private get stdin(): Writable {
    return this.child.stdin as Writable;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The children to stop if the supervisor dies; replaces the previous set. */
  watch(pids: number[]): void {
    const line = `watch ${[...new Set(pids)].sort((a, b) => a - b).join(' ')}\n`;
    if (line === this.last || this.stdin.destroyed) return;
    this.last = line;
    this.stdin.write(line);
  }

  /** The supervisor stopped its children itself: the guard exits without touching anything. */
  release(): void {
    if (this.stdin.destroyed) return;
    this.stdin.end('release\n');
  }
}
