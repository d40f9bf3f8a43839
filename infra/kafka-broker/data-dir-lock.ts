// One broker per data directory: two writers on the same segments would corrupt them. A lock left by a
// killed broker (its pid no longer alive) is taken over, which is what a restart after a crash needs.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`data dir ${dataDir} is in use by a running broker (pid ${pid})`);
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock and returns its release function. */
export function lockDataDir(dataDir: string, lockedInThisProcess: Set<string>): () => void {
  const path = join(dataDir, 'broker.lock');
  if (lockedInThisProcess.has(path)) throw new DataDirLockedError(dataDir, process.pid);
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw new DataDirLockedError(dataDir, pid);
  }
  writeFileSync(path, String(process.pid));
  lockedInThisProcess.add(path);
  return () => {
    lockedInThisProcess.delete(path);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
