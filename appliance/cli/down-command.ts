// gochat down: signals the running supervisor (pid from the lock), waits for it to exit, then makes sure no
// service process it started is left.
import { dataDirLayout, lockHolder, readApplianceRecord } from '../supervisor/data-dir';
import { isOurServiceProcess, waitForProcessExit } from '../supervisor/processes';

const SUPERVISOR_EXIT_TIMEOUT_MS = 90_000;

export async function runDown(opts: { dataDir: string }): Promise<number> {
  const layout = dataDirLayout(opts.dataDir);
  const pid = lockHolder(layout);
  if (pid === undefined) {
    process.stdout.write(`gochat is not running on ${layout.root}\n`);
  } else {
    process.stdout.write(`stopping gochat (supervisor pid ${pid})...\n`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitForProcessExit(pid, SUPERVISOR_EXIT_TIMEOUT_MS))) {
      process.stdout.write(
        `supervisor pid ${pid} did not stop within ${SUPERVISOR_EXIT_TIMEOUT_MS / 1000} s; killing it\n`,
      );
      process.kill(pid, 'SIGKILL');
      await waitForProcessExit(pid, 5000);
    }
  }
  // A supervisor killed outright cannot stop its services; they are found through the last appliance.json.
  let leftovers = 0;
  for (const service of readApplianceRecord(layout)?.services ?? []) {
    if (service.kind !== 'service' || service.pid === null || !isOurServiceProcess(service.pid)) continue;
    leftovers += 1;
    process.stdout.write(`stopping leftover ${service.name} (pid ${service.pid})\n`);
    process.kill(service.pid, 'SIGTERM');
    if (!(await waitForProcessExit(service.pid, 20_000))) process.kill(service.pid, 'SIGKILL');
  }
  if (pid !== undefined || leftovers > 0) process.stdout.write('stopped\n');
  return 0;
}
