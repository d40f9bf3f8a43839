// The orphan guard: a small process that outlives the supervisor on purpose. The supervisor tells it, over its
// stdin, which child pids it runs ("watch <pid> ..."); when that pipe closes without a "release" first, the
// supervisor has died (a dead process closes its pipes, SIGKILL included), so the guard stops those children:
// SIGTERM (a gateway still says goodbye to its clients), SIGKILL after a grace time, then it exits.
import { createInterface } from 'node:readline';
import { isProcessAlive } from './processes';

const GRACE_MS = 2500;

let watched = new Set<number>();
let released = false;

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

async function reap(): Promise<void> {
  const pids = [...watched];
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (pids.some(isProcessAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of pids.filter(isProcessAlive)) signal(pid, 'SIGKILL');
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === 'watch') {
    watched = new Set(args.map(Number).filter((pid) => Number.isInteger(pid) && pid > 1 && pid !== process.pid));
  } else if (command === 'release') {
    released = true;
    process.exit(0);
  }
});
lines.on('close', () => {
  if (!released) void reap();
});
// A terminal's Ctrl-C or hang-up is for the supervisor, which stops its children in order and then releases us.
for (const sig of ['SIGINT', 'SIGHUP'] as const) process.on(sig, () => undefined);
