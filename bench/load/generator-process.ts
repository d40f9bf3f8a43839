// The bench's handle on one chat load generator child process (bench/load/chat-load.ts), and a fleet of them
// that splits the pairs and the offered rate between processes and merges what they measured.
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  noCounts,
  type FromGenerator,
  type LoadPhase,
  type LoadRoute,
  type LoadUser,
  type PhaseCounts,
  type PhaseResult,
  type ToGenerator,
} from './protocol';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export class GeneratorProcess {
  private readonly child: ChildProcess;
  private waiting: ((message: FromGenerator) => void) | undefined;
  private exited = false;

  constructor(
    readonly name: string,
    private readonly onProgress: (name: string, message: Extract<FromGenerator, { type: 'progress' }>) => void,
  ) {
    this.child = fork(join(import.meta.dirname, 'chat-load.ts'), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: FromGenerator) => {
      if (message.type === 'progress') this.onProgress(this.name, message);
      else this.waiting?.(message);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.waiting?.({ type: 'failed', message: `load generator ${name} exited (${signal ?? code})` });
    });
  }

  private ask(message: ToGenerator): Promise<FromGenerator> {
    if (this.exited) return Promise.reject(new Error(`load generator ${this.name} is not running`));
    return new Promise((resolveAnswer, reject) => {
      this.waiting = (answer) => {
        this.waiting = undefined;
        if (answer.type === 'failed') reject(new Error(`load generator ${this.name}: ${answer.message}`));
        else resolveAnswer(answer);
      };
      this.child.send(message);
    });
  }

  async connect(users: LoadUser[], routes: LoadRoute[], bodyBytes: number): Promise<void> {
    await this.ask({ type: 'connect', name: this.name, users, routes, bodyBytes });
  }

  async run(label: string, phase: LoadPhase): Promise<PhaseResult> {
    const answer = await this.ask({ type: 'run', label, phase });
    if (answer.type !== 'result') throw new Error(`load generator ${this.name} answered ${answer.type} to run`);
    return answer.result;
  }

  /** Closes its sockets and waits for the process to exit (killed after 10 s). */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ToGenerator);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }
}

/** Routes spread over several generator processes; a phase runs on all of them at once. */
export class GeneratorFleet {
  private constructor(private readonly generators: GeneratorProcess[]) {}

  /**
   * Starts `count` generators and gives each a share of the routes with the users they name: a route's sender
   * and recipients are in one generator, so send and receive times are read from one clock. Routes that share
   * users (a group) need one generator; an `online` phase too, as its user indexes are the callers'.
   */
  static async start(
    count: number,
    users: LoadUser[],
    routes: LoadRoute[],
    bodyBytes: number,
    onProgress: (name: string, message: Extract<FromGenerator, { type: 'progress' }>) => void,
  ): Promise<GeneratorFleet> {
    const shares = count === 1 ? [{ users, routes }] : splitRoutes(count, users, routes);
    const generators = shares.map((_, g) => new GeneratorProcess(`gen${g + 1}`, onProgress));
    const fleet = new GeneratorFleet(generators);
    try {
      await Promise.all(
        generators.map((generator, g) => generator.connect(shares[g]!.users, shares[g]!.routes, bodyBytes)),
      );
    } catch (err) {
      await fleet.close();
      throw err;
    }
    return fleet;
  }

  get size(): number {
    return this.generators.length;
  }

  /** Runs the phase on every generator (an offered rate is divided between them) and merges the results. */
  async run(label: string, phase: LoadPhase): Promise<PhaseResult> {
    const share: LoadPhase =
      phase.kind === 'rate' ? { ...phase, ratePerSec: phase.ratePerSec / this.generators.length } : phase;
    const results = await Promise.all(this.generators.map((generator) => generator.run(label, share)));
    return mergeResults(label, phase, results);
  }

  async close(): Promise<void> {
    await Promise.all(this.generators.map((generator) => generator.close()));
  }
}

function mergeResults(label: string, phase: LoadPhase, results: PhaseResult[]): PhaseResult {
  const counts: PhaseCounts = noCounts();
  const sum = (pick: (result: PhaseResult) => number): number => results.reduce((total, r) => total + pick(r), 0);
  const max = (pick: (result: PhaseResult) => number): number => Math.max(0, ...results.map(pick));
  for (const result of results) {
    for (const key of [
      'sent',
      'acked',
      'delivered',
      'duplicates',
      'outOfOrder',
      'lost',
      'unanswered',
      'late',
    ] as const) {
      counts[key] += result.counts[key];
    }
    for (const [code, n] of Object.entries(result.counts.errors)) counts.errors[code] = (counts.errors[code] ?? 0) + n;
  }
  return {
    label,
    phase,
    counts,
    latenciesMs: results.flatMap((result) => result.latenciesMs),
    split: {
      ackMs: results.flatMap((result) => result.split.ackMs),
      toStoredMs: results.flatMap((result) => result.split.toStoredMs),
      storedToDeliveredMs: results.flatMap((result) => result.split.storedToDeliveredMs),
    },
    deliveredPerSec: sum((r) => r.deliveredPerSec),
    ackedPerSec: sum((r) => r.ackedPerSec),
    sentPerSec: sum((r) => r.sentPerSec),
    caughtUpAfterMs: results.some((r) => r.caughtUpAfterMs === undefined)
      ? undefined
      : max((r) => r.caughtUpAfterMs ?? 0),
    health: {
      cpuFraction: max((r) => r.health.cpuFraction),
      eventLoopDelayP99Ms: max((r) => r.health.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: max((r) => r.health.eventLoopDelayMaxMs),
      maxScheduleLagMs: max((r) => r.health.maxScheduleLagMs),
      limitedBy: [...new Set(results.flatMap((r) => r.health.limitedBy))],
    },
  };
}

/** Route i goes to generator i mod count, with the users it names, renumbered for that generator. */
function splitRoutes(
  count: number,
  users: LoadUser[],
  routes: LoadRoute[],
): { users: LoadUser[]; routes: LoadRoute[] }[] {
  const owner = new Map<number, number>();
  return Array.from({ length: count }, (_, g) => {
    const own = routes.filter((_, i) => i % count === g);
    const indexes = [...new Set(own.flatMap((route) => [route.sender, ...route.recipients]))];
    for (const index of indexes) {
      if (owner.has(index) && owner.get(index) !== g) {
        throw new Error(`user ${index} is in routes of two load generators; run this load with one generator`);
      }
      owner.set(index, g);
    }
    const local = new Map(indexes.map((userIndex, i) => [userIndex, i]));
    const at = (index: number): number => local.get(index) as number;
    return {
      users: indexes.map((index) => users[index] as LoadUser),
      routes: own.map((route) => ({ ...route, sender: at(route.sender), recipients: route.recipients.map(at) })),
    };
  }).filter((share) => share.routes.length > 0);
}
