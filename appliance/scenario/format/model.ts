// A scenario as the runner takes it: the YAML file checked and turned into typed steps, each keeping the line it
// came from so reports and the console can point back at the file. Strings may still hold ${...}: loop variables
// and user ids are only known while running.
import type { ScenarioProblem } from '../../api/contract';
export type { ScenarioProblem };

/** A number, or a ${...} string resolved at run time. */
export type Countish = number | string;

export interface ActorSpec {
  name: string;
  line: number;
  /** An existing username; absent for users created for the run. */
  user?: string;
  password?: string;
  gateway: string;
  devices: number;
  /** Present for counted actors: name[0] .. name[count-1]. */
  count?: Countish;
}

export interface GroupSpec {
  name: string;
  line: number;
  owner: string;
  members: string[];
}

export type MessageMatch = { from?: string; group?: string; body?: string };

export type ExpectWhat =
  | { kind: 'message'; match: MessageMatch }
  | { kind: 'signal'; signalType: string; payload: Record<string, unknown> }
  | { kind: 'nothing_else' }
  | { kind: 'presence'; user: string; is: 'online' | 'offline'; connections?: Countish }
  | { kind: 'record'; topic: string; eventType?: string; key?: string; value: Record<string, unknown> }
  | { kind: 'row'; table: string; where: Record<string, string | number> };

export interface Expectation {
  actors: string[];
  device?: number;
  withinMs: Countish;
  count?: Countish;
  since: 'step' | 'start';
  what: ExpectWhat;
}

interface StepBase {
  line: number;
  /** The name the file gave, if any. */
  name?: string;
}

export type Step = StepBase &
  (
    | { kind: 'connect' | 'disconnect' | 'catch_up'; actors: string[] }
    | { kind: 'send'; from: string; to?: string; group?: string; body?: string; ackWithinMs: Countish }
    | { kind: 'read'; actor: string; with?: string; group?: string }
    | { kind: 'add_member'; group: string; by: string; member: string }
    | { kind: 'wait'; ms: Countish }
    | { kind: 'parallel'; steps: Step[] }
    | { kind: 'repeat'; times: Countish; as?: string; steps: Step[] }
    | { kind: 'kill' | 'restart'; service: string }
    | { kind: 'expect'; expect: Expectation }
  );

export interface Scenario {
  file: string;
  name: string;
  description: string;
  gateways: number;
  vars: Record<string, string | number | boolean>;
  actors: ActorSpec[];
  friends: { line: number; a: string[]; b: string[] }[];
  groups: GroupSpec[];
  steps: Step[];
}

export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Generous: a shared CI machine can take seconds to carry a signal through Kafka and im-task. */
export const DEFAULT_WITHIN_MS = 10_000;
/** A first send on a fresh appliance waits for im-logic to join its consumer group, slow on a loaded machine. */
export const DEFAULT_ACK_WITHIN_MS = 30_000;

/** "500ms", "5s", "1.5m" or a number of ms; null when it is none of those. */
export function parseDuration(value: number | string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const found = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
  if (!found) return /^\d+$/.test(value.trim()) ? Number(value) : null;
  const n = Number(found[1]);
  return Math.round(found[2] === 'ms' ? n : found[2] === 's' ? n * 1000 : n * 60_000);
}

/** What a step does, in a few words, for reports ("send alice -> bob"). */
export function describeStep(step: Step): string {
  if (step.name) return step.name;
  switch (step.kind) {
    case 'connect':
    case 'disconnect':
    case 'catch_up':
      return `${step.kind.replace('_', ' ')} ${step.actors.join(', ')}`;
    case 'send':
      return `send ${step.from} -> ${step.to ?? `group ${step.group}`}${step.body ? ` "${step.body}"` : ''}`;
    case 'read':
      return `${step.actor} reads ${step.with ? `the chat with ${step.with}` : `group ${step.group}`}`;
    case 'add_member':
      return `${step.by} adds ${step.member} to group ${step.group}`;
    case 'wait':
      return `wait ${step.ms}${typeof step.ms === 'number' ? ' ms' : ''}`;
    case 'parallel':
      return `in parallel: ${step.steps.length} steps`;
    case 'repeat':
      return `repeat ${step.times} times`;
    case 'kill':
    case 'restart':
      return `${step.kind} ${step.service}`;
    case 'expect':
      return describeExpectation(step.expect);
  }
}

export function describeExpectation(e: Expectation): string {
  const who = e.actors.join(', ');
  const what = e.what;
  switch (what.kind) {
    case 'message': {
      const m = what.match;
      const parts = [m.from && `from ${m.from}`, m.group && `in group ${m.group}`, m.body && `"${m.body}"`];
      return `${who} receives ${e.count ?? 'a'} message${e.count === 1 || !e.count ? '' : 's'} ${parts.filter(Boolean).join(' ')}`.trim();
    }
    case 'signal':
      return `${who} receives signal ${what.signalType}${Object.keys(what.payload).length ? ` ${JSON.stringify(what.payload)}` : ''}`;
    case 'nothing_else':
      return `${who} receives nothing else`;
    case 'presence':
      return `presence of ${what.user} is ${what.is}`;
    case 'record':
      return `a ${what.eventType ?? 'record'} appears on ${what.topic}`;
    case 'row':
      return `a row in ${what.table}${Object.keys(what.where).length ? ` where ${JSON.stringify(what.where)}` : ''}`;
  }
}
