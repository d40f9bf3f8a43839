// Runs a checked scenario: setup, then each step in order (parallel and repeat as written), reporting every step
// as it starts and ends. The first step that fails ends the run; the rest are reported as skipped. Every
// connection the run opened is closed before it returns, whatever happened.
import { randomBytes } from 'node:crypto';
import { describeExpectation, describeStep, parseDuration, type Scenario, type Step } from '../format/model';
import { StepFailure, type RunListener, type StepEvent } from './events';
import { checkOnActors, checkOnAppliance } from './expectations';
import { interpolate, type Lookup } from './interpolate';
import type { ApplianceOps, ChatGateways } from './ports';
import { countOf, createActors, makeFriends, makeGroups } from './setup';
import type { Roster } from './roster';
import { sleep } from './signal';
import { StepActions } from './step-actions';

export interface RunDeps {
  gateways: ChatGateways;
  ops: ApplianceOps;
  listener?: RunListener;
  /** Short id made part of created usernames and group names; random by default. */
  runId?: string;
}

export interface RunResult {
  scenario: string;
  file: string;
  ok: boolean;
  durationMs: number;
  steps: StepEvent[];
}

/** Where a step runs: loop counters in force, and when the last action started (what "since the step" means). */
interface Scope {
  values: Map<string, unknown>;
  mark: { ms: number };
}

const ACTIONS = new Set([
  'connect',
  'disconnect',
  'catch_up',
  'send',
  'read',
  'add_member',
  'kill',
  'restart',
  'parallel',
]);

class Run {
  readonly steps: StepEvent[] = [];
  private failed = false;
  private roster: Roster | null = null;
  private actions: StepActions | null = null;
  private startMs = Date.now();
  readonly runId: string;

  constructor(
    private readonly scenario: Scenario,
    private readonly deps: RunDeps,
  ) {
    this.runId = deps.runId ?? randomBytes(4).toString('hex');
  }

  private lookup(scope: Scope): Lookup {
    return (name) => {
      if (scope.values.has(name)) return scope.values.get(name);
      if (name in this.scenario.vars) return this.scenario.vars[name];
      if (name === 'run') return this.runId;
      return this.roster?.value(name);
    };
  }

  private emit(event: StepEvent): void {
    const index = this.steps.findIndex((s) => s.id === event.id);
    if (index >= 0) this.steps[index] = event;
    else this.steps.push(event);
    this.deps.listener?.(event);
  }

  /** Runs one unit of work as a reported step; a failure marks the run failed. */
  private async report(
    base: Omit<StepEvent, 'type' | 'status' | 'startedAtMs'>,
    work: () => Promise<{ detail: string; traceIds?: string[] } | string>,
  ): Promise<void> {
    if (this.failed) {
      this.emit({ ...base, type: 'step', status: 'skipped', startedAtMs: Date.now() });
      return;
    }
    const startedAtMs = Date.now();
    this.emit({ ...base, type: 'step', status: 'running', startedAtMs });
    try {
      const result = await work();
      const done = typeof result === 'string' ? { detail: result } : result;
      this.emit({
        ...base,
        type: 'step',
        status: 'passed',
        startedAtMs,
        durationMs: Date.now() - startedAtMs,
        ...done,
      });
    } catch (error) {
      this.failed = true;
      const failure =
        error instanceof StepFailure
          ? { expected: error.expected, seen: error.seen, ...(error.actor ? { actor: error.actor } : {}) }
          : { expected: 'the step to complete', seen: error instanceof Error ? error.message : String(error) };
      this.emit({
        ...base,
        type: 'step',
        status: 'failed',
        startedAtMs,
        durationMs: Date.now() - startedAtMs,
        failure,
      });
    }
  }

  async run(): Promise<RunResult> {
    this.startMs = Date.now();
    this.deps.listener?.({
      type: 'run-start',
      scenario: this.scenario.name,
      file: this.scenario.file,
      columns: this.scenario.actors.map((a) => (a.count !== undefined ? `${a.name}[*]` : a.name)),
      atMs: this.startMs,
    });
    const top: Scope = { values: new Map(), mark: { ms: Date.now() } };
    try {
      await this.setup(top);
      top.mark.ms = Date.now();
      const stepsStart = Date.now();
      this.startMs = stepsStart;
      await this.runSteps(this.scenario.steps, top, '');
    } finally {
      await this.actions?.closeAll();
    }
    const durationMs = Date.now() - this.startMs;
    const count = (status: string): number => this.steps.filter((s) => s.status === status).length;
    const ok = !this.failed;
    this.deps.listener?.({
      type: 'run-end',
      ok,
      durationMs,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
    });
    return { scenario: this.scenario.name, file: this.scenario.file, ok, durationMs, steps: this.steps };
  }

  private async setup(scope: Scope): Promise<void> {
    const lookup = this.lookup(scope);
    const actorNames = this.scenario.actors.map((a) => a.name);
    await this.report(
      {
        id: 'setup.1',
        line: this.scenario.actors[0]?.line ?? 1,
        label: 'create the actors',
        kind: 'setup',
        actors: actorNames,
      },
      async () => {
        this.roster = await createActors(this.scenario, this.deps, this.runId, lookup);
        this.actions = new StepActions(this.roster, this.deps.gateways, this.runId);
        const users = this.roster.all();
        return `${users.length} user${users.length === 1 ? '' : 's'} (${users.reduce((n, u) => n + u.devices.length, 0)} devices)`;
      },
    );
    if (this.scenario.friends.length > 0)
      await this.report(
        { id: 'setup.2', line: this.scenario.friends[0]!.line, label: 'make friends', kind: 'setup', actors: [] },
        async () => `${await makeFriends(this.scenario, this.deps.gateways, this.roster!, lookup)} friendships`,
      );
    if (this.scenario.groups.length > 0)
      await this.report(
        { id: 'setup.3', line: this.scenario.groups[0]!.line, label: 'create the groups', kind: 'setup', actors: [] },
        async () => (await makeGroups(this.scenario, this.deps.gateways, this.roster!, lookup, this.runId)).join(', '),
      );
  }

  private async runSteps(steps: Step[], scope: Scope, prefix: string): Promise<void> {
    for (const [i, step] of steps.entries())
      await this.runStep(step, scope, prefix ? `${prefix}.${i + 1}` : String(i + 1));
  }

  private actorsOf(step: Step): string[] {
    switch (step.kind) {
      case 'connect':
      case 'disconnect':
      case 'catch_up':
        return step.actors;
      case 'send':
        return [step.from, ...(step.to ? [step.to] : [])];
      case 'read':
        return [step.actor];
      case 'add_member':
        return [step.by, step.member];
      case 'expect':
        return step.expect.actors;
      default:
        return [];
    }
  }

  private async runStep(step: Step, scope: Scope, id: string): Promise<void> {
    const lookup = this.lookup(scope);
    const label = this.fill(describeStep(step), lookup);
    const base = {
      id,
      line: step.line,
      label,
      kind: step.kind,
      actors: this.actorsOf(step).map((a) => this.fill(a, lookup)),
    };
    if (ACTIONS.has(step.kind) && !this.failed) scope.mark.ms = Date.now();
    if (step.kind === 'parallel') {
      await this.report(base, async () => {
        await Promise.all(
          step.steps.map((inner, j) =>
            this.runStep(inner, { values: scope.values, mark: { ms: scope.mark.ms } }, `${id}.${j + 1}`),
          ),
        );
        if (this.failed) throw new StepFailure('every parallel step to hold', 'one failed (above)');
        return `${step.steps.length} steps`;
      });
      return;
    }
    if (step.kind === 'repeat') {
      await this.report(base, async () => {
        const times = countOf(step.times, lookup, 'repeat.times');
        for (let round = 0; round < times && !this.failed; round += 1) {
          const values = new Map(scope.values);
          if (step.as) values.set(step.as, round);
          await this.runSteps(step.steps, { values, mark: scope.mark }, `${id}.${round + 1}`);
        }
        if (this.failed) throw new StepFailure(`${times} rounds to hold`, 'a round failed (above)');
        return `${times} rounds`;
      });
      return;
    }
    await this.report(base, () => this.act(step, scope, lookup));
  }

  /** ${...} filled in for a label; left as written when it cannot be yet. */
  private fill(text: string, lookup: Lookup): string {
    if (!text.includes('${')) return text;
    try {
      return String(
        interpolate(text, (name) => {
          const value = lookup(name);
          return value !== null && typeof value === 'object' && 'name' in value
            ? { id: (value as { name: string }).name }
            : value;
        }),
      );
    } catch {
      return text;
    }
  }

  private async act(
    step: Step,
    scope: Scope,
    lookup: Lookup,
  ): Promise<{ detail: string; traceIds?: string[] } | string> {
    const actions = this.actions!;
    switch (step.kind) {
      case 'connect':
        return actions.connect(step.actors, lookup);
      case 'disconnect':
        return actions.disconnect(step.actors, lookup);
      case 'catch_up':
        return actions.catchUp(step.actors, lookup);
      case 'send':
        return actions.send(step, lookup);
      case 'read':
        return actions.read(step, lookup);
      case 'add_member':
        return actions.addMember(step, lookup);
      case 'wait': {
        const ms = typeof step.ms === 'number' ? step.ms : (parseDuration(String(interpolate(step.ms, lookup))) ?? 0);
        await sleep(ms);
        return `${ms} ms`;
      }
      case 'kill':
        await this.deps.ops.kill(step.service);
        return `${step.service} killed (the supervisor restarts it)`;
      case 'restart':
        await this.deps.ops.restart(step.service);
        return `${step.service} restarted`;
      case 'expect': {
        const e = step.expect;
        const within =
          typeof e.withinMs === 'number' ? e.withinMs : (parseDuration(String(interpolate(e.withinMs, lookup))) ?? 0);
        const ctx = {
          roster: this.roster!,
          ops: this.deps.ops,
          lookup,
          sinceMs: e.since === 'start' ? this.startMs : scope.mark.ms,
          count: e.count === undefined ? 1 : countOf(e.count, lookup, 'count'),
          withinMs: within,
        };
        const expected = this.fill(describeExpectation(e), lookup);
        if (e.actors.length === 0) return checkOnAppliance(e, ctx, expected);
        const users = e.actors.flatMap((ref) => this.roster!.resolve(ref, lookup));
        return checkOnActors(e, users, ctx, expected);
      }
      default:
        throw new Error(`step kind ${step.kind} cannot run here`);
    }
  }
}

export function runScenario(scenario: Scenario, deps: RunDeps): Promise<RunResult> {
  return new Run(scenario, deps).run();
}
