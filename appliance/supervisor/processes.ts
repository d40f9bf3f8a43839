// Process checks the lock, `gochat down` and leftover cleanup rely on.
import { readFileSync } from 'node:fs';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process (Linux /proc), or undefined where it cannot be read. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Command lines of the processes an appliance starts besides itself. */
const APPLIANCE_CHILD = /services\/im-[a-z-]+\/main\.ts|redis-server/;

/**
 * Whether a pid is still one of the appliance's child processes (a service or redis-server), not an unrelated
 * process that reused the number. Where /proc is missing the pid alone is trusted.
 */
export function isApplianceChild(pid: number): boolean {
  if (pid === process.pid || !isProcessAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined || APPLIANCE_CHILD.test(commandLine);
}

/** The child pids an appliance record names: services and infra run as separate processes. */
export function childPidsOf(record: { supervisorPid: number; services: { pid: number | null }[] }): number[] {
  return record.services
    .map((entry) => entry.pid)
    .filter((pid): pid is number => pid !== null && pid !== record.supervisorPid);
}

/** Resolves true once the process is gone, false if it is still alive after the timeout. */
export async function waitForProcessExit(pid: number, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}
