// gochat down: signals the running supervisor (pid from the lock), waits for it to exit, then makes sure no
// service process it started is left.
import { dataDirLayout, lockHolder, readApplianceRecord } from '../supervisor/data-dir';
import { childPidsOf, isApplianceChild, waitForProcessExit } from '../supervisor/processes';

const SUPERVISOR_EXIT_TIMEOUT_MS = 90_000;

/** Signals a process that may have exited in the meantime. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export async function runDown(opts: { dataDir: string }): Promise<number> {
  const layout = dataDirLayout(opts.dataDir);
  const pid = lockHolder(layout);
  if (pid === undefined) {
    process.stdout.write(`gochat is not running on ${layout.root}\n`);
  } else {
    process.stdout.write(`stopping gochat (supervisor pid ${pid})...\n`);
    signal(pid, 'SIGTERM');
    if (!(await waitForProcessExit(pid, SUPERVISOR_EXIT_TIMEOUT_MS))) {
      process.stdout.write(
        `supervisor pid ${pid} did not stop within ${SUPERVISOR_EXIT_TIMEOUT_MS / 1000} s; killing it\n`,
      );
      signal(pid, 'SIGKILL');
      await waitForProcessExit(pid, 5000);
    }
  }
  // A supervisor killed outright cannot stop its children; they are found through the last appliance.json.
  let leftovers = 0;
  const record = readApplianceRecord(layout);
  for (const child of record ? childPidsOf(record).filter(isApplianceChild) : []) {
    leftovers += 1;
    const name = record?.services.find((entry) => entry.pid === child)?.name ?? '?';
    process.stdout.write(`stopping leftover ${name} (pid ${child})\n`);
    signal(child, 'SIGTERM');
    if (!(await waitForProcessExit(child, 20_000))) signal(child, 'SIGKILL');
  }
  if (pid !== undefined || leftovers > 0) process.stdout.write('stopped\n');
  return 0;
}
