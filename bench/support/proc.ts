// What Linux says about a process, from /proc (undefined elsewhere or when the process is gone).
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS, in bytes. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The soft limit on open files and how many are open now. */
export function openFiles(pid: number | undefined): { limit: number; open: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    const limit = match?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match?.[1]);
    return { limit, open: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}
