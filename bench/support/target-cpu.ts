// The CPU a measured target used while a phase ran, read from /proc: all its processes (the appliance's supervisor
// with everything it started, or the relay) per message, and the machine's steal time: CPU the hypervisor gave to
// other guests while this one wanted it. On a shared host the same tree's figures move by a factor of two or more
// within an hour (docs/performance.md); CPU per message moves less, and steal says when the host was the limit.
// Linux only: elsewhere nothing is reported.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc's CPU times: 100 on every Linux build that matters here. */
const TICK_MS = 10;

export interface CpuMark {
  /** CPU time (user + system) of the processes, in ms. */
  processMs: number;
  stealTicks: number;
  totalTicks: number;
}

export interface TargetCpu {
  /** CPU of the target's processes per message (acked messages; delivered when none were acked). */
  perMessageMs: number;
  /** Cores the target's processes kept busy on average. */
  cores: number;
  /** Share of the machine's CPU time taken by the hypervisor for other guests. */
  stealFraction: number;
}

interface Stat {
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone, or not Linux
  }
  // "pid (comm) state ppid ... utime stime ...": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/** `root` and every process below it, as they are now. */
export function processTree(root: number | undefined): number[] {
  if (root === undefined) return [];
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(Number(entry));
    else children.set(stat.ppid, [Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function markCpu(pids: readonly number[]): CpuMark | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
  const ticks = (line ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  let processTicks = 0;
  for (const pid of pids) processTicks += readStat(pid)?.cpuTicks ?? 0;
  return {
    processMs: processTicks * TICK_MS,
    stealTicks: ticks[7] as number,
    totalTicks: ticks.reduce((a, b) => a + b, 0),
  };
}

export function cpuBetween(
  before: CpuMark | undefined,
  after: CpuMark | undefined,
  messages: number,
  wallMs: number,
): TargetCpu | undefined {
  if (!before || !after || messages <= 0 || wallMs <= 0) return undefined;
  const processMs = Math.max(0, after.processMs - before.processMs);
  const total = after.totalTicks - before.totalTicks;
  return {
    perMessageMs: processMs / messages,
    cores: processMs / wallMs,
    stealFraction: total > 0 ? (after.stealTicks - before.stealTicks) / total : 0,
  };
}
