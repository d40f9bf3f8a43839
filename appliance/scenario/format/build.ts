// From schema-valid data to a Scenario, with the checks the schema cannot express: references to actors, groups
// and variables that exist, exactly one action per step, exactly one kind per expectation, durations that parse.
import { ALL_TOPICS } from '../../../lib/kafka/topics';
import { ExpressionError, namesIn, placeholders } from '../domain/interpolate';
import {
  DEFAULT_ACK_WITHIN_MS,
  DEFAULT_WITHIN_MS,
  parseDuration,
  ScenarioFileError,
  type ActorSpec,
  type Countish,
  type Expectation,
  type ExpectWhat,
  type GroupSpec,
  type Scenario,
  type ScenarioProblem,
  type Step,
} from './model';
import type { Path, Positions } from './positions';

type Obj = Record<string, unknown>;

const ACTOR_REF = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+|\*|\$\{[^}]+\})\])?$/;
const SERVICE = /^(im-repo|im-logic|im-task|gw-\d+|redis)$/;
const EXPECT_KINDS = ['message', 'signal', 'nothing_else', 'presence', 'record', 'row'] as const;

class Builder {
  readonly problems: ScenarioProblem[] = [];
  private readonly actors = new Map<string, ActorSpec>();
  private readonly groups = new Set<string>();
  private readonly vars: Set<string>;

  constructor(
    private readonly data: Obj,
    private readonly file: string,
    private readonly positions: Positions,
  ) {
    this.vars = new Set(Object.keys((data.vars as Obj | undefined) ?? {}));
  }

  problem(path: Path, message: string, key = false): void {
    this.problems.push({ file: this.file, ...this.positions.at(path, key), message });
  }

  line(path: Path): number {
    return this.positions.at(path).line;
  }

  /** Every ${...} in a string must name something known in its scope and be readable. */
  checkText(text: string, path: Path, scope: Set<string>): void {
    for (const source of placeholders(text)) {
      try {
        for (const name of namesIn(source)) {
          const known = this.vars.has(name) || this.actors.has(name) || this.groups.has(name) || scope.has(name);
          if (!known && name !== 'run')
            this.problem(
              path,
              `"\${${source}}" uses "${name}", which is not a variable, actor, group or loop counter here`,
            );
        }
      } catch (error) {
        if (error instanceof ExpressionError) this.problem(path, error.message);
        else throw error;
      }
    }
  }

  checkDeep(value: unknown, path: Path, scope: Set<string>): void {
    if (typeof value === 'string') this.checkText(value, path, scope);
    else if (Array.isArray(value)) value.forEach((v, i) => this.checkDeep(v, [...path, i], scope));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) this.checkDeep(v, [...path, k], scope);
  }

  actorRef(ref: string, path: Path, allowAll: boolean): string {
    if (/^\$\{[^}]+\}$/.test(ref)) return ref;
    const found = ACTOR_REF.exec(ref);
    if (!found) {
      this.problem(path, `"${ref}" is not an actor reference (alice, member[3], member[\${i}] or member[*])`);
      return ref;
    }
    const actor = this.actors.get(found[1]!);
    if (!actor) {
      const names = [...this.actors.keys()];
      this.problem(path, `unknown actor "${found[1]}"; actors: ${names.length ? names.join(', ') : 'none declared'}`);
    } else if (actor.count !== undefined && found[2] === undefined) {
      this.problem(path, `"${ref}" has ${actor.count} users: name one (${ref}[0]) or all (${ref}[*])`);
    } else if (actor.count === undefined && found[2] !== undefined) {
      this.problem(path, `"${found[1]}" is one user, not a counted actor: write "${found[1]}" without [..]`);
    } else if (found[2] === '*' && !allowAll) {
      this.problem(path, `"${ref}" stands for many users; this field takes one`);
    }
    return ref;
  }

  actorList(value: unknown, path: Path): string[] {
    const list = Array.isArray(value) ? (value as string[]) : [value as string];
    return list.map((ref, i) => this.actorRef(ref, Array.isArray(value) ? [...path, i] : path, true));
  }

  groupRef(name: string, path: Path): string {
    if (!name.includes('${') && !this.groups.has(name))
      this.problem(path, `unknown group "${name}"; groups are declared under setup.groups`);
    return name;
  }

  duration(value: unknown, path: Path, fallback: number): Countish {
    if (value === undefined) return fallback;
    if (typeof value === 'string' && value.includes('${')) return value;
    const ms = parseDuration(value as string | number);
    if (ms === null) this.problem(path, `${JSON.stringify(value)} is not a duration (500ms, 5s, 1m)`);
    return ms ?? fallback;
  }

  build(): Scenario {
    const d = this.data;
    for (const [name, raw] of Object.entries((d.actors as Obj | undefined) ?? {})) {
      const a = (raw ?? {}) as Obj;
      const path = ['actors', name];
      if (a.user === undefined && a.password !== undefined)
        this.problem(path, `actor "${name}": password without user`);
      if (a.user !== undefined && a.count !== undefined)
        this.problem(path, `actor "${name}": an existing user cannot have a count`);
      if (typeof a.count === 'string') this.checkText(a.count, [...path, 'count'], new Set());
      this.actors.set(name, {
        name,
        line: this.line(path),
        gateway: (a.gateway as string | undefined) ?? 'gw-1',
        devices: (a.devices as number | undefined) ?? 1,
        ...(a.user !== undefined ? { user: a.user as string, password: (a.password as string | undefined) ?? '' } : {}),
        ...(a.count !== undefined ? { count: a.count as Countish } : {}),
      });
    }
    const setup = (d.setup as Obj | undefined) ?? {};
    const groups: GroupSpec[] = [];
    for (const name of Object.keys((setup.groups as Obj | undefined) ?? {})) this.groups.add(name);
    for (const [name, raw] of Object.entries((setup.groups as Obj | undefined) ?? {})) {
      const g = raw as Obj;
      const path = ['setup', 'groups', name];
      groups.push({
        name,
        line: this.line(path),
        owner: this.actorRef(g.owner as string, [...path, 'owner'], false),
        members: g.members === undefined ? [] : this.actorList(g.members, [...path, 'members']),
      });
    }
    const friends = ((setup.friends as unknown[][] | undefined) ?? []).map((pair, i) => ({
      line: this.line(['setup', 'friends', i]),
      a: this.actorList(pair[0], ['setup', 'friends', i, 0]),
      b: this.actorList(pair[1], ['setup', 'friends', i, 1]),
    }));
    const steps = this.steps((d.steps as unknown[]) ?? [], ['steps'], new Set());
    return {
      file: this.file,
      name: d.scenario as string,
      description: (d.description as string | undefined) ?? '',
      gateways: ((d.appliance as Obj | undefined)?.gateways as number | undefined) ?? 1,
      vars: (d.vars as Scenario['vars'] | undefined) ?? {},
      actors: [...this.actors.values()],
      friends,
      groups,
      steps,
    };
  }

  steps(list: unknown[], path: Path, scope: Set<string>): Step[] {
    return list.flatMap((raw, i) => {
      const step = this.step(raw as Obj, [...path, i], scope);
      return step ? [step] : [];
    });
  }

  step(raw: Obj, path: Path, scope: Set<string>): Step | null {
    const kinds = Object.keys(raw).filter((k) => k !== 'name');
    if (kinds.length !== 1) {
      this.problem(
        path,
        kinds.length === 0
          ? 'a step needs an action besides its name'
          : `one action per step, this one has ${kinds.join(' and ')}; split it`,
      );
      return null;
    }
    const kind = kinds[0]!;
    const value = raw[kind];
    const at = [...path, kind];
    const base = { line: this.line(path), ...(typeof raw.name === 'string' ? { name: raw.name } : {}) };
    if (kind !== 'parallel' && kind !== 'repeat') this.checkDeep(value, at, scope);
    switch (kind) {
      case 'connect':
      case 'disconnect':
      case 'catch_up':
        return { ...base, kind, actors: this.actorList(value, at) };
      case 'send': {
        const s = value as Obj;
        if ((s.to === undefined) === (s.group === undefined))
          this.problem(at, 'send needs exactly one of "to" (an actor) or "group"');
        return {
          ...base,
          kind,
          from: this.actorRef(s.from as string, [...at, 'from'], false),
          ...(s.to !== undefined ? { to: this.actorRef(s.to as string, [...at, 'to'], false) } : {}),
          ...(s.group !== undefined ? { group: this.groupRef(s.group as string, [...at, 'group']) } : {}),
          ...(s.body !== undefined ? { body: s.body as string } : {}),
          ackWithinMs: this.duration(s.ack_within, [...at, 'ack_within'], DEFAULT_ACK_WITHIN_MS),
        };
      }
      case 'read': {
        const r = value as Obj;
        if ((r.with === undefined) === (r.group === undefined))
          this.problem(at, 'read needs exactly one of "with" (an actor) or "group"');
        return {
          ...base,
          kind,
          actor: this.actorRef(r.actor as string, [...at, 'actor'], false),
          ...(r.with !== undefined ? { with: this.actorRef(r.with as string, [...at, 'with'], false) } : {}),
          ...(r.group !== undefined ? { group: this.groupRef(r.group as string, [...at, 'group']) } : {}),
        };
      }
      case 'add_member': {
        const m = value as Obj;
        return {
          ...base,
          kind,
          group: this.groupRef(m.group as string, [...at, 'group']),
          by: this.actorRef(m.by as string, [...at, 'by'], false),
          member: this.actorRef(m.member as string, [...at, 'member'], false),
        };
      }
      case 'wait':
        return { ...base, kind, ms: this.duration(value, at, 0) };
      case 'parallel':
        return { ...base, kind, steps: this.steps(value as unknown[], at, scope) };
      case 'repeat': {
        const r = value as Obj;
        if (typeof r.times === 'string') this.checkText(r.times, [...at, 'times'], scope);
        const inner = new Set(scope);
        if (typeof r.as === 'string') inner.add(r.as);
        return {
          ...base,
          kind,
          times: r.times as Countish,
          ...(typeof r.as === 'string' ? { as: r.as } : {}),
          steps: this.steps(r.steps as unknown[], [...at, 'steps'], inner),
        };
      }
      case 'kill':
      case 'restart':
        if (!SERVICE.test(value as string))
          this.problem(at, `"${String(value)}" is not a service: im-repo, im-logic, im-task, gw-1.., redis`);
        return { ...base, kind, service: value as string };
      case 'expect':
        return { ...base, kind, expect: this.expectation(value as Obj, at) };
      default:
        this.problem(at, `unknown step "${kind}"`, true);
        return null;
    }
  }

  expectation(e: Obj, path: Path): Expectation {
    const kinds = EXPECT_KINDS.filter((k) => e[k] !== undefined && e[k] !== false);
    if (kinds.length !== 1)
      this.problem(
        path,
        `an expectation needs exactly one of ${EXPECT_KINDS.join(', ')}${kinds.length ? `; this one has ${kinds.join(' and ')}` : ''}`,
      );
    const kind = kinds[0] ?? 'nothing_else';
    const actors = e.actor === undefined ? [] : this.actorList(e.actor, [...path, 'actor']);
    const needsActor = kind === 'message' || kind === 'signal' || kind === 'nothing_else';
    if (needsActor && actors.length === 0) this.problem(path, `"${kind}" needs "actor": who must see it`);
    if (!needsActor && actors.length > 0)
      this.problem([...path, 'actor'], `"${kind}" is checked on the appliance, not on an actor: remove "actor"`);
    if (e.payload !== undefined && kind !== 'signal')
      this.problem([...path, 'payload'], '"payload" goes with "signal"');
    let what: ExpectWhat;
    if (kind === 'message') {
      const m = e.message as Obj;
      what = {
        kind,
        match: {
          ...(m.from !== undefined
            ? { from: this.actorRef(m.from as string, [...path, 'message', 'from'], false) }
            : {}),
          ...(m.group !== undefined ? { group: this.groupRef(m.group as string, [...path, 'message', 'group']) } : {}),
          ...(m.body !== undefined ? { body: m.body as string } : {}),
        },
      };
    } else if (kind === 'signal') {
      what = { kind, signalType: e.signal as string, payload: (e.payload as Obj | undefined) ?? {} };
    } else if (kind === 'presence') {
      const p = e.presence as Obj;
      what = {
        kind,
        user: this.actorRef(p.user as string, [...path, 'presence', 'user'], false),
        is: p.is as 'online' | 'offline',
        ...(p.connections !== undefined ? { connections: p.connections as Countish } : {}),
      };
    } else if (kind === 'record') {
      const r = e.record as Obj;
      if (!(ALL_TOPICS as readonly string[]).includes(r.topic as string))
        this.problem(
          [...path, 'record', 'topic'],
          `unknown topic "${String(r.topic)}"; topics: ${ALL_TOPICS.join(', ')}`,
        );
      what = {
        kind,
        topic: r.topic as string,
        ...(r.eventType !== undefined ? { eventType: r.eventType as string } : {}),
        ...(r.key !== undefined ? { key: r.key as string } : {}),
        value: (r.value as Obj | undefined) ?? {},
      };
    } else if (kind === 'row') {
      const r = e.row as Obj;
      what = { kind, table: r.table as string, where: (r.where as Record<string, string | number> | undefined) ?? {} };
    } else what = { kind: 'nothing_else' };
    if (e.device !== undefined && !needsActor) this.problem([...path, 'device'], '"device" goes with an actor');
    return {
      actors,
      ...(e.device !== undefined ? { device: e.device as number } : {}),
      withinMs: this.duration(e.within, [...path, 'within'], kind === 'nothing_else' ? 1000 : DEFAULT_WITHIN_MS),
      ...(e.count !== undefined ? { count: e.count as Countish } : {}),
      since: (e.since as 'step' | 'start' | undefined) ?? 'step',
      what,
    };
  }
}

export function buildScenario(data: Obj, file: string, positions: Positions): Scenario {
  const builder = new Builder(data, file, positions);
  const scenario = builder.build();
  if (builder.problems.length > 0)
    throw new ScenarioFileError(builder.problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return scenario;
}
