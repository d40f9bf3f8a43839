// What a bench result was measured on, written beside the figures.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { resolve } from 'node:path';

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cores: number;
  totalMemoryMiB: number;
  /** 1-minute load average when the bench started: above the core count, other work shared the machine. */
  loadAverage1m: number;
  os: string;
  node: string;
  gitCommit: string;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  let gitCommit = 'unknown';
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: resolve(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // not a git checkout: the figures stay usable without it
  }
  return {
    date: new Date().toISOString(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    totalMemoryMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    os: `${process.platform} ${release()}`,
    node: process.version,
    gitCommit,
  };
}
