// gochat chaos <process> <kill|pause|resume|latency> [ms]: the console's chaos controls from a terminal, sent to
// the running appliance's API (its address and token are in the data dir's appliance.json).
import { dataDirLayout, readApplianceRecord } from '../supervisor/data-dir';

export const CHAOS_COMMAND_ACTIONS = ['kill', 'pause', 'resume', 'latency'] as const;
export type ChaosCommandAction = (typeof CHAOS_COMMAND_ACTIONS)[number];

const DONE: Record<Exclude<ChaosCommandAction, 'latency'>, string> = {
  kill: 'killed (SIGKILL); the supervisor restarts it as after a crash',
  pause: 'paused (SIGSTOP); `gochat chaos <process> resume` continues it',
  resume: 'resumed (SIGCONT)',
};

export async function runChaos(
  name: string,
  action: ChaosCommandAction,
  ms: number | undefined,
  opts: { dataDir: string },
): Promise<number> {
  if (action === 'latency' && ms === undefined) {
    process.stderr.write('latency needs the milliseconds each consumer batch waits (0 clears it), e.g. 500\n');
    return 2;
  }
  const layout = dataDirLayout(opts.dataDir);
  const record = readApplianceRecord(layout);
  if (!record?.running || !record.consoleUrl) {
    process.stderr.write(`gochat is not running with its console on ${layout.root} (start it with gochat up)\n`);
    return 1;
  }
  const console = new URL(record.consoleUrl);
  const token = console.searchParams.get('token') ?? '';
  const path = `/api/services/${encodeURIComponent(name)}/chaos/${action}`;
  let response: Response;
  try {
    response = await fetch(`${console.origin}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(action === 'latency' ? { ms } : {}),
    });
  } catch (err) {
    process.stderr.write(`the appliance API at ${console.origin} did not answer: ${(err as Error).message}\n`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: string; ms?: number; groups?: string[] };
  if (!response.ok) {
    process.stderr.write(`${name}: ${answer.error ?? `the API answered ${response.status}`}\n`);
    return 1;
  }
  if (action !== 'latency') process.stdout.write(`${name}: ${DONE[action]}\n`);
  else if (answer.ms === 0) process.stdout.write(`${name}: consumer latency cleared\n`);
  else
    process.stdout.write(
      `${name}: each batch of ${(answer.groups ?? []).join(', ')} now waits ${answer.ms} ms ` +
        `(until cleared with 0 or the process restarts)\n`,
    );
  return 0;
}
