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
  const taken = new Set<string>();
  const actorOf = new Map<string, string>(); // username -> actor name
  const userById = new Map(session.users.map((u) => [u.userId, u.username]));
  const gatewayOf = new Map(session.users.map((u) => [u.username, u.gatewayId]));
  for (const user of session.users) actorOf.set(user.username, identifier(user.username, taken));
  const involved = new Set<string>();
  const actor = (username: string): string => {
    involved.add(username);
    return actorOf.get(username)!;
  };
  const actorById = (userId: unknown): string | undefined => {
    const username = userById.get(String(userId));
    return username === undefined ? undefined : actor(username);
  };

  const groupNames = new Map<string, string>(); // groupId -> group name in the file
  const groups: ScenarioDraft['groups'] = {};
  const groupName = (groupId: string): string | undefined => groupNames.get(groupId);
  const declareGroup = (groupId: string, rawName: string, owner: string, members: string[]): void => {
    if (groupNames.has(groupId)) return;
    const named = identifier(rawName, taken);
    groupNames.set(groupId, named);
    groups[named] = { owner: actor(owner), members: members.filter((m) => m !== owner).map(actor) };
  };
  const atStart = new Map(session.groupsAtStart.map((g) => [g.groupId, g]));
  /** A group made before the recording, declared when a step first uses it; its first client member owns it. */
  const useGroup = (groupId: string): string | undefined => {
    const known = atStart.get(groupId);
    if (known && known.members.length > 0 && !groupNames.has(groupId))
      declareGroup(groupId, known.name, known.members[0]!, known.members);
    return groupName(groupId);
  };

  const friends: [string, string][] = [];
  const befriend = (a: string, b: string): void => {
    if (a === b || friends.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) return;
    friends.push([a, b]);
  };

  const frames = new Frames(session.frames);
  const steps: DraftEntry[] = [];
  const expect = (
    receivers: RecordedFrame[],
    what: Record<string, unknown>,
    since: number,
    describe: (ms: number) => string,
  ): void => {
    if (receivers.length === 0) return;
    const latest = Math.max(...receivers.map((f) => f.atMs)) - since;
    steps.push({
      step: {
        expect: { actor: one([...new Set(receivers.map((f) => actor(f.user)))]), ...what, within: withinFor(latest) },
      },
      comment: describe(latest),
    });
  };
  const presence = (username: string, is: 'online' | 'offline'): void => {
    steps.push({ step: { expect: { presence: { user: actor(username), is } } } });
  };
  /** friend.status.changed about this user that the connect or disconnect at `since` caused. */
  const statusNotices = (username: string, status: 'online' | 'offline', since: number, until: number): void => {
    const userId = session.users.find((u) => u.username === username)?.userId;
    const seen = frames.take(
      (f) => isSignal(f, 'friend.status.changed') && payload(f).userId === userId && payload(f).status === status,
      since,
      until,
    );
    expect(
      seen,
      { signal: 'friend.status.changed', payload: { userId: `\${${actor(username)}}`, status } },
      since,
      (ms) => `friends told within ${ms} ms while recording`,
    );
  };

  let previousAt = session.startedAtMs;
  /** When the next action of the same sort by the same user came: what arrived after it was its doing. */
  const nextLike = (index: number, like: (a: RecordedAction) => boolean): number =>
    session.actions.slice(index + 1).find(like)?.atMs ?? Infinity;
  for (const [index, action] of session.actions.entries()) {
    switch (action.kind) {
      case 'connect':
        if (action.auto) {
          // After a gateway went away the client reconnected by itself once it served again; the replay waits too.
          steps.push({
            step: { wait: `${Math.min(60, Math.max(2, Math.ceil((2 * (action.atMs - previousAt)) / 1000)))}s` },
          });
        }
        steps.push({
          step: {
            ...(action.auto ? { name: `${action.user} reconnects after its gateway came back` } : {}),
            connect: actor(action.user),
          },
        });
        presence(action.user, 'online');
        statusNotices(
          action.user,
          'online',
          action.atMs,
          nextLike(index, (a) => a.kind === 'connect' && a.user === action.user),
        );
        break;
      case 'disconnect':
        steps.push({ step: { disconnect: actor(action.user) } });
        presence(action.user, 'offline');
        statusNotices(
          action.user,
          'offline',
          action.atMs,
          nextLike(index, (a) => a.kind === 'disconnect' && a.user === action.user),
        );
        break;
      case 'send':
        translateSend(action);
        break;
      case 'read':
        translateRead(
          action,
          nextLike(
            index,
            (a) => a.kind === 'read' && a.user === action.user && a.conversationId === action.conversationId,
          ),
        );
        break;
      case 'befriend': {
        const other = userById.get(action.otherUserId);
        if (other) befriend(actor(action.user), actor(other));
        else
          steps.push({ note: `not replayed: ${action.user} befriended ${action.otherUserId}, not a simulated client` });
        break;
      }
      case 'create_group':
        declareGroup(
          action.groupId,
          action.name,
          action.user,
          action.memberIds.flatMap((id) => userById.get(id) ?? []),
        );
        break;
      case 'add_member': {
        const group = useGroup(action.groupId);
        const member = userById.get(action.memberId);
        if (!group || !member) {
          steps.push({ note: `not replayed: ${action.user} added ${action.memberId} to ${action.groupId}` });
          break;
        }
        steps.push({ step: { add_member: { group, by: actor(action.user), member: actor(member) } } });
        const seen = frames.take(
          (f) =>
            isSignal(f, 'group.member.changed') &&
            payload(f).groupId === action.groupId &&
            payload(f).userId === action.memberId,
          action.atMs,
        );
        expect(
          seen,
          {
            signal: 'group.member.changed',
            payload: { groupId: `\${${group}}`, userId: `\${${actor(member)}}`, change: 'joined' },
          },
          action.atMs,
          (ms) => `every member told within ${ms} ms while recording`,
        );
        break;
      }
      case 'service':
        if (action.action === 'kill' || action.action === 'restart') {
          steps.push({ step: { [action.action]: action.service } });
        } else {
          const what = action.action === 'latency' ? `consumer latency ${action.ms ?? 0} ms on` : action.action;
          steps.push({ note: `not replayed: ${what} ${action.service} (a scenario has no step for it)` });
        }
        break;
    }
    previousAt = action.atMs;
  }

  function translateSend(action: Extract<RecordedAction, { kind: 'send' }>): void {
    const answer = frames.first(
      (f) =>
        f.user === action.from &&
        (f.frame.type === 'ack' || f.frame.type === 'error') &&
        f.frame.clientMsgId === action.clientMsgId,
    );
    const to = action.toUserId ? userById.get(action.toUserId) : undefined;
    const group = action.groupId ? useGroup(action.groupId) : undefined;
    if (answer?.frame.type === 'error' || (!to && !group)) {
      const why =
        answer?.frame.type === 'error' ? `it failed: ${String(answer.frame.code)}` : 'to someone not recorded';
      steps.push({ note: `not replayed: ${action.from} sent "${action.body}" (${why})` });
      return;
    }
    const body = literal(action.body);
    const ackMs = answer ? answer.atMs - action.atMs : 0;
    steps.push({
      step: {
        send: {
          from: actor(action.from),
          ...(to ? { to: actor(to) } : { group }),
          body,
          ...(ackMs > SLOW_ACK_MS ? { ack_within: withinFor(ackMs) } : {}),
        },
      },
    });
    const delivered = frames.take(
      (f) =>
        f.frame.type === 'message' && (f.frame.message as { clientMsgId?: unknown }).clientMsgId === action.clientMsgId,
      action.atMs,
    );
    expect(
      delivered,
      { message: { from: actor(action.from), ...(group ? { group } : {}), body } },
      action.atMs,
      (ms) => `delivered within ${ms} ms while recording`,
    );
  }

  function translateRead(action: Extract<RecordedAction, { kind: 'read' }>, until: number): void {
    const reader = session.users.find((u) => u.username === action.user);
    const [kind, ...ids] = action.conversationId.split(':');
    const other = kind === 'p2p' ? ids.find((id) => id !== reader?.userId) : undefined;
    const withWhom = other ? actorById(other) : undefined;
    const group = kind === 'group' ? useGroup(ids.join(':')) : undefined;
    if (!withWhom && !group) {
      steps.push({ note: `not replayed: ${action.user} read ${action.conversationId}, a chat with no recorded peer` });
      return;
    }
    steps.push({ step: { read: { actor: actor(action.user), ...(withWhom ? { with: withWhom } : { group }) } } });
    const receipts = frames.take(
      (f) =>
        isSignal(f, 'message.receipt.updated') &&
        payload(f).readerId === reader?.userId &&
        payload(f).conversationId === action.conversationId,
      action.atMs,
      until,
    );
    for (const readSeq of [...new Set(receipts.map((f) => Number(payload(f).readSeq)))])
      expect(
        receipts.filter((f) => Number(payload(f).readSeq) === readSeq),
        { signal: 'message.receipt.updated', payload: { readerId: `\${${actor(action.user)}}`, readSeq } },
        action.atMs,
        (ms) => `receipt within ${ms} ms while recording`,
      );
  }

  // Who was connected at the start connects first; friendships among the clients then stand in setup.
  const startConnected = session.connectedAtStart.filter((u) => involved.has(u));
  if (startConnected.length > 0) steps.unshift({ step: { connect: one(startConnected.map((u) => actor(u))) } });
  for (const [a, b] of session.friendsAtStart)
    if (involved.has(a) && involved.has(b)) befriend(actorOf.get(a)!, actorOf.get(b)!);

  const actors: ScenarioDraft['actors'] = {};
  let gateways = 1;
  for (const user of session.users) {
    if (!involved.has(user.username)) continue;
    const gateway = gatewayOf.get(user.username) ?? 'gw-1';
    gateways = Math.max(gateways, Number(/^gw-(\d+)$/.exec(gateway)?.[1] ?? 1));
    actors[actorOf.get(user.username)!] = gateway === 'gw-1' ? {} : { gateway };
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
    friends,
    groups,
    steps,
  };
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
