// A recorded session of hand-driven simulated clients as a scenario: the same actions as steps, and after each one
// expectations built from what the clients actually received because of it (messages, read receipts, friends'
// presence, group notices), with `within` set from how long it took while recording. Every actor is a user
// created for the run, so the file replays on a fresh appliance and many times on the same one. Friendships and
// groups, wherever they were made, go to setup: the format makes them before the steps (docs/scenarios.md).
import type { RecordedAction, RecordedFrame, RecordedSession } from './session';

/** One entry of the steps list: a step, or a comment line saying what was not replayed. */
export type DraftEntry = { step: Record<string, unknown>; comment?: string } | { note: string };

export interface ScenarioDraft {
  scenario: string;
  description: string;
  gateways: number;
  actors: Record<string, { gateway?: string }>;
  friends: [string, string][];
  groups: Record<string, { owner: string; members: string[] }>;
  steps: DraftEntry[];
}

/** Expectations wait this many times what it took while recording, and never less than the format's default. */
const WITHIN_FACTOR = 5;
const MIN_WITHIN_S = 10;
const MAX_WITHIN_S = 120;
/** A send acked slower than this while recording (a service was down) gets a longer ack_within than 30 s. */
const SLOW_ACK_MS = 5000;

export function withinFor(latencyMs: number): string {
  const seconds = Math.ceil((Math.max(0, latencyMs) * WITHIN_FACTOR) / 1000);
  return `${Math.min(MAX_WITHIN_S, Math.max(MIN_WITHIN_S, seconds))}s`;
}

/** A name the format accepts for an actor or group ("rec-alice" -> rec_alice), unique among those taken. */
function identifier(raw: string, taken: Set<string>): string {
  let base = raw.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

/** ${...} has no escape in the format: a body holding one is sent (and expected) with a space after the $. */
function literal(text: string): string {
  return text.replace(/\$\{/g, '$ {');
}

function one<T>(list: T[]): T | T[] {
  return list.length === 1 ? list[0]! : list;
}

export function translateSession(session: RecordedSession, name: string): ScenarioDraft {
  return new SessionTranslator(session).translate(name);
}

type ActionOf<K extends RecordedAction['kind']> = Extract<RecordedAction, { kind: K }>;

/** One translation: the names given so far, who took part, and the steps, built action by action. */
class SessionTranslator {
  private readonly taken = new Set<string>();
  private readonly actorOf = new Map<string, string>(); // username -> actor name
  private readonly userById: Map<string, string>; // userId -> username
  private readonly involved = new Set<string>();
  private readonly groupNames = new Map<string, string>(); // groupId -> group name in the file
  private readonly groups: ScenarioDraft['groups'] = {};
  private readonly groupsAtStart: Map<string, RecordedSession['groupsAtStart'][number]>;
  private readonly friends: [string, string][] = [];
  private readonly frames: Frames;
  private readonly steps: DraftEntry[] = [];

  constructor(private readonly session: RecordedSession) {
    this.userById = new Map(session.users.map((u) => [u.userId, u.username]));
    for (const user of session.users) this.actorOf.set(user.username, identifier(user.username, this.taken));
    this.groupsAtStart = new Map(session.groupsAtStart.map((g) => [g.groupId, g]));
    this.frames = new Frames(session.frames);
  }

  translate(name: string): ScenarioDraft {
    let previousAt = this.session.startedAtMs;
    for (const [index, action] of this.session.actions.entries()) {
      this.translateAction(action, index, previousAt);
      previousAt = action.atMs;
    }
    // Who was connected at the start connects first; friendships among the clients then stand in setup.
    const startConnected = this.session.connectedAtStart.filter((u) => this.involved.has(u));
    if (startConnected.length > 0)
      this.steps.unshift({ step: { connect: one(startConnected.map((u) => this.actor(u))) } });
    for (const [a, b] of this.session.friendsAtStart)
      if (this.involved.has(a) && this.involved.has(b)) this.befriend(this.actorOf.get(a)!, this.actorOf.get(b)!);
    return this.draft(name);
  }

  private translateAction(action: RecordedAction, index: number, previousAt: number): void {
    switch (action.kind) {
      case 'connect':
        if (action.auto) {
          // After a gateway went away the client reconnected by itself once it served again; the replay waits too.
          const waitS = Math.min(60, Math.max(2, Math.ceil((2 * (action.atMs - previousAt)) / 1000)));
          this.steps.push({ step: { wait: `${waitS}s` } });
        }
        this.steps.push({
          step: {
            ...(action.auto ? { name: `${action.user} reconnects after its gateway came back` } : {}),
            connect: this.actor(action.user),
          },
        });
        this.presenceChanged(action, index, 'online');
        break;
      case 'disconnect':
        this.steps.push({ step: { disconnect: this.actor(action.user) } });
        this.presenceChanged(action, index, 'offline');
        break;
      case 'send':
        this.translateSend(action);
        break;
      case 'read':
        this.translateRead(
          action,
          this.nextLike(
            index,
            (a) => a.kind === 'read' && a.user === action.user && a.conversationId === action.conversationId,
          ),
        );
        break;
      case 'befriend': {
        const other = this.userById.get(action.otherUserId);
        if (other) this.befriend(this.actor(action.user), this.actor(other));
        else this.note(`${action.user} befriended ${action.otherUserId}, not a simulated client`);
        break;
      }
      case 'create_group':
        this.declareGroup(
          action.groupId,
          action.name,
          action.user,
          action.memberIds.flatMap((id) => this.userById.get(id) ?? []),
        );
        break;
      case 'add_member':
        this.translateAddMember(action);
        break;
      case 'service':
        if (action.action === 'kill' || action.action === 'restart') {
          this.steps.push({ step: { [action.action]: action.service } });
        } else {
          const what = action.action === 'latency' ? `consumer latency ${action.ms ?? 0} ms on` : action.action;
          this.note(`${what} ${action.service} (a scenario has no step for it)`);
        }
        break;
    }
  }

  private translateSend(action: ActionOf<'send'>): void {
    const answer = this.frames.first(
      (f) =>
        f.user === action.from &&
        (f.frame.type === 'ack' || f.frame.type === 'error') &&
        f.frame.clientMsgId === action.clientMsgId,
    );
    const to = action.toUserId ? this.userById.get(action.toUserId) : undefined;
    const group = action.groupId ? this.useGroup(action.groupId) : undefined;
    if (answer?.frame.type === 'error' || (!to && !group)) {
      const why =
        answer?.frame.type === 'error' ? `it failed: ${String(answer.frame.code)}` : 'to someone not recorded';
      this.note(`${action.from} sent "${action.body}" (${why})`);
      return;
    }
    const body = literal(action.body);
    const ackMs = answer ? answer.atMs - action.atMs : 0;
    this.steps.push({
      step: {
        send: {
          from: this.actor(action.from),
          ...(to ? { to: this.actor(to) } : { group }),
          body,
          ...(ackMs > SLOW_ACK_MS ? { ack_within: withinFor(ackMs) } : {}),
        },
      },
    });
    const delivered = this.frames.take(
      (f) =>
        f.frame.type === 'message' && (f.frame.message as { clientMsgId?: unknown }).clientMsgId === action.clientMsgId,
      action.atMs,
    );
    this.expect(
      delivered,
      { message: { from: this.actor(action.from), ...(group ? { group } : {}), body } },
      action.atMs,
      (ms) => `delivered within ${ms} ms while recording`,
    );
  }

  private translateRead(action: ActionOf<'read'>, until: number): void {
    const reader = this.session.users.find((u) => u.username === action.user);
    const [kind, ...ids] = action.conversationId.split(':');
    const other = kind === 'p2p' ? ids.find((id) => id !== reader?.userId) : undefined;
    const withWhom = other ? this.actorById(other) : undefined;
    const group = kind === 'group' ? this.useGroup(ids.join(':')) : undefined;
    if (!withWhom && !group) {
      this.note(`${action.user} read ${action.conversationId}, a chat with no recorded peer`);
      return;
    }
    this.steps.push({
      step: { read: { actor: this.actor(action.user), ...(withWhom ? { with: withWhom } : { group }) } },
    });
    const receipts = this.frames.take(
      (f) =>
        isSignal(f, 'message.receipt.updated') &&
        payload(f).readerId === reader?.userId &&
        payload(f).conversationId === action.conversationId,
      action.atMs,
      until,
    );
    for (const readSeq of [...new Set(receipts.map((f) => Number(payload(f).readSeq)))])
      this.expect(
        receipts.filter((f) => Number(payload(f).readSeq) === readSeq),
        { signal: 'message.receipt.updated', payload: { readerId: `\${${this.actor(action.user)}}`, readSeq } },
        action.atMs,
        (ms) => `receipt within ${ms} ms while recording`,
      );
  }

  private translateAddMember(action: ActionOf<'add_member'>): void {
    const group = this.useGroup(action.groupId);
    const member = this.userById.get(action.memberId);
    if (!group || !member) {
      this.note(`${action.user} added ${action.memberId} to ${action.groupId}`);
      return;
    }
    this.steps.push({ step: { add_member: { group, by: this.actor(action.user), member: this.actor(member) } } });
    const seen = this.frames.take(
      (f) =>
        isSignal(f, 'group.member.changed') &&
        payload(f).groupId === action.groupId &&
        payload(f).userId === action.memberId,
      action.atMs,
    );
    this.expect(
      seen,
      {
        signal: 'group.member.changed',
        payload: { groupId: `\${${group}}`, userId: `\${${this.actor(member)}}`, change: 'joined' },
      },
      action.atMs,
      (ms) => `every member told within ${ms} ms while recording`,
    );
  }

  /**
   * After a connect or disconnect: the user's presence, and the friend.status.changed notices it caused (those
   * that came before the same user's next action of the same sort).
   */
  private presenceChanged(action: ActionOf<'connect' | 'disconnect'>, index: number, is: 'online' | 'offline'): void {
    const username = action.user;
    this.steps.push({ step: { expect: { presence: { user: this.actor(username), is } } } });
    const userId = this.session.users.find((u) => u.username === username)?.userId;
    const seen = this.frames.take(
      (f) => isSignal(f, 'friend.status.changed') && payload(f).userId === userId && payload(f).status === is,
      action.atMs,
      this.nextLike(index, (a) => a.kind === action.kind && a.user === username),
    );
    this.expect(
      seen,
      { signal: 'friend.status.changed', payload: { userId: `\${${this.actor(username)}}`, status: is } },
      action.atMs,
      (ms) => `friends told within ${ms} ms while recording`,
    );
  }

  /** An expectation that these receivers get `what`, within a margin of how long it took while recording. */
  private expect(
    receivers: RecordedFrame[],
    what: Record<string, unknown>,
    since: number,
    describe: (ms: number) => string,
  ): void {
    if (receivers.length === 0) return;
    const latest = Math.max(...receivers.map((f) => f.atMs)) - since;
    const actors = one([...new Set(receivers.map((f) => this.actor(f.user)))]);
    this.steps.push({
      step: { expect: { actor: actors, ...what, within: withinFor(latest) } },
      comment: describe(latest),
    });
  }

  private note(what: string): void {
    this.steps.push({ note: `not replayed: ${what}` });
  }

  /** When the next action of this sort came: what arrived after it was its doing. */
  private nextLike(index: number, like: (a: RecordedAction) => boolean): number {
    return this.session.actions.slice(index + 1).find(like)?.atMs ?? Infinity;
  }

  /** The actor name of a recorded user; using it makes the user part of the scenario. */
  private actor(username: string): string {
    this.involved.add(username);
    return this.actorOf.get(username)!;
  }

  private actorById(userId: unknown): string | undefined {
    const username = this.userById.get(String(userId));
    return username === undefined ? undefined : this.actor(username);
  }

  private befriend(a: string, b: string): void {
    if (a === b || this.friends.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) return;
    this.friends.push([a, b]);
  }

  private declareGroup(groupId: string, rawName: string, owner: string, members: string[]): void {
    if (this.groupNames.has(groupId)) return;
    const named = identifier(rawName, this.taken);
    this.groupNames.set(groupId, named);
    this.groups[named] = {
      owner: this.actor(owner),
      members: members.filter((m) => m !== owner).map((m) => this.actor(m)),
    };
  }

  /** A group made before the recording, declared when a step first uses it; its first client member owns it. */
  private useGroup(groupId: string): string | undefined {
    const known = this.groupsAtStart.get(groupId);
    if (known && known.members.length > 0 && !this.groupNames.has(groupId))
      this.declareGroup(groupId, known.name, known.members[0]!, known.members);
    return this.groupNames.get(groupId);
  }

  private draft(name: string): ScenarioDraft {
    const { session } = this;
    const actors: ScenarioDraft['actors'] = {};
    let gateways = 1;
    for (const user of session.users) {
      if (!this.involved.has(user.username)) continue;
      const gateway = user.gatewayId ?? 'gw-1';
      gateways = Math.max(gateways, Number(/^gw-(\d+)$/.exec(gateway)?.[1] ?? 1));
      actors[this.actorOf.get(user.username)!] = gateway === 'gw-1' ? {} : { gateway };
    }
    const seconds = Math.round((session.stoppedAtMs - session.startedAtMs) / 1000);
    return {
      scenario: name,
      description:
        `Recorded in the console on ${new Date(session.startedAtMs).toISOString()} (${seconds} s, ` +
        `${session.actions.length} actions, ${session.frames.length} frames received). Each expectation is what ` +
        `a client received while recording; within is ${WITHIN_FACTOR} times how long it took then, at least ` +
        `${MIN_WITHIN_S} s.${session.truncated ? ' The recording hit its size bound: later actions are missing.' : ''}`,
      gateways,
      actors,
      friends: this.friends,
      groups: this.groups,
      steps: this.steps,
    };
  }
}

function isSignal(f: RecordedFrame, signalType: string): boolean {
  return f.frame.type === 'signal' && f.frame.signalType === signalType;
}

function payload(f: RecordedFrame): Record<string, unknown> {
  return (f.frame.payload ?? {}) as Record<string, unknown>;
}

/** The frames received while recording; each one backs at most one expectation. */
class Frames {
  private readonly used = new Set<RecordedFrame>();
  constructor(private readonly all: RecordedFrame[]) {}

  first(match: (f: RecordedFrame) => boolean): RecordedFrame | undefined {
    return this.all.find(match);
  }

  /** Those matching that arrived from `since` to before `until` and back no expectation yet. */
  take(match: (f: RecordedFrame) => boolean, since: number, until = Infinity): RecordedFrame[] {
    const found = this.all.filter((f) => f.atMs >= since && f.atMs < until && !this.used.has(f) && match(f));
    for (const f of found) this.used.add(f);
    return found;
  }
}
