// Checking one expectation: on every device of every actor it names (frames they received), or on the appliance
// (presence, topic records, table rows). Passing answers a line of what was seen; failing throws StepFailure
// naming the actor, the expected and the seen.
import type { Expectation, MessageMatch } from '../format/model';
import { StepFailure } from './events';
import { interpolateDeep, type Lookup } from './interpolate';
import type { ApplianceOps, ServerFrame } from './ports';
import type { ActorUser, Device, ReceivedFrame, Roster } from './roster';
import { sleep, waitUntil } from './signal';

/** Frames that answer the actor's own requests: never "something else". */
const REPLIES = new Set(['hello', 'pong', 'ack', 'read.ack', 'synced']);
const POLL_MS = 150;

export interface CheckContext {
  roster: Roster;
  ops: ApplianceOps;
  lookup: Lookup;
  /** Frames and records from this time on count (the start of the last action, or of the run). */
  sinceMs: number;
  count: number;
  withinMs: number;
}

/** Loose equality of the fields the file names: numbers and strings compare as text, other fields are ignored. */
export function matchesSubset(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => matchesSubset((actual as Record<string, unknown>)[k], v));
  }
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((v, i) => matchesSubset(actual[i], v))
    );
  return actual !== undefined && actual !== null && String(actual) === String(expected);
}

interface ChatMessage {
  senderId: string;
  conversationId: string;
  seq: number;
  body: string;
}

function messagesOf(frame: ServerFrame): ChatMessage[] {
  if (frame.type === 'message' && frame.message) return [frame.message as ChatMessage];
  if (frame.type === 'synced' && Array.isArray(frame.messages)) return frame.messages as ChatMessage[];
  return [];
}

function since(device: Device, ms: number): ReceivedFrame[] {
  return device.log.filter((entry) => entry.atMs >= ms);
}

function describeFrames(roster: Roster, frames: ReceivedFrame[], type: 'message' | 'signal' | 'any'): string {
  const parts: string[] = [];
  for (const { frame } of frames) {
    if (type !== 'signal')
      for (const m of messagesOf(frame))
        parts.push(
          `message from ${roster.readable(m.senderId)} in ${roster.readable(m.conversationId)} seq ${m.seq} "${m.body}"`,
        );
    if (frame.type === 'signal' && type !== 'message')
      parts.push(`signal ${String(frame.signalType)} ${roster.readable(frame.payload)}`);
    if (type === 'any' && frame.type !== 'signal' && messagesOf(frame).length === 0) parts.push(roster.readable(frame));
  }
  if (parts.length === 0) {
    const types = frames.map((f) => f.frame.type);
    return `no ${type === 'any' ? 'frame' : type}${types.length ? ` (frames since the step: ${[...new Set(types)].join(', ')})` : ' (no frames at all since the step)'}`;
  }
  const shown = parts.slice(0, 5).join('; ');
  return parts.length > 5 ? `${shown}; and ${parts.length - 5} more` : shown;
}

type Matcher = (frame: ServerFrame) => number;

function messageMatcher(match: MessageMatch, ctx: CheckContext): Matcher {
  const from = match.from ? ctx.roster.one(match.from, ctx.lookup).userId : undefined;
  const conversation = match.group ? `group:${ctx.roster.group(match.group, ctx.lookup).id}` : undefined;
  const body = match.body !== undefined ? String(interpolateDeep(match.body, ctx.lookup)) : undefined;
  return (frame) =>
    messagesOf(frame).filter(
      (m) =>
        (from === undefined || m.senderId === from) &&
        (conversation === undefined || m.conversationId === conversation) &&
        (body === undefined || m.body === body),
    ).length;
}

/** Waits until every device named has `count` matching frames; returns the devices that did not. */
async function onDevices(
  users: ActorUser[],
  device: number | undefined,
  ctx: CheckContext,
  matcher: Matcher,
): Promise<{ user: ActorUser; device: Device; got: number }[]> {
  const misses: { user: ActorUser; device: Device; got: number }[] = [];
  await Promise.all(
    users.map(async (user) => {
      const devices = device === undefined ? user.devices : user.devices.filter((d) => d.number === device);
      if (devices.length === 0)
        throw new StepFailure(`device ${device}`, `${user.name} has ${user.devices.length} device(s)`, user.name);
      for (const d of devices) {
        const tally = (): number => {
          let got = 0;
          for (const entry of since(d, ctx.sinceMs)) {
            const n = matcher(entry.frame);
            if (n > 0) entry.matched = true;
            got += n;
          }
          return got;
        };
        const ok = await waitUntil(
          () => (tally() >= ctx.count ? true : undefined),
          ctx.withinMs,
          (ms) => user.arrivals.next(ms),
        );
        if (!ok) misses.push({ user, device: d, got: tally() });
      }
    }),
  );
  return misses;
}

function who(user: ActorUser, device: Device): string {
  return user.devices.length > 1 ? `${user.name} (device ${device.number})` : user.name;
}

export async function checkOnActors(
  e: Expectation,
  users: ActorUser[],
  ctx: CheckContext,
  expected: string,
): Promise<string> {
  const what = e.what;
  if (what.kind === 'nothing_else') return nothingElse(users, e.device, ctx);
  const payload = what.kind === 'signal' ? interpolateDeep(what.payload, ctx.lookup) : undefined;
  const matcher: Matcher =
    what.kind === 'message'
      ? messageMatcher(what.match, ctx)
      : (frame) =>
          frame.type === 'signal' &&
          frame.signalType === (what as { signalType: string }).signalType &&
          matchesSubset(frame.payload, payload)
            ? 1
            : 0;
  const misses = await onDevices(users, e.device, ctx, matcher);
  const first = misses[0];
  if (first) {
    const seen =
      first.device.connection || first.device.log.length
        ? describeFrames(ctx.roster, since(first.device, ctx.sinceMs), what.kind === 'message' ? 'message' : 'signal')
        : 'nothing: the device was never connected';
    const others = misses.length > 1 ? ` (and ${misses.length - 1} more actors or devices)` : '';
    throw new StepFailure(
      `${expected}${ctx.count > 1 ? ` (${ctx.count} of them)` : ''} within ${ctx.withinMs} ms`,
      `${ctx.count > 1 ? `${first.got} matching; ` : ''}${seen}${others}`,
      who(first.user, first.device),
    );
  }
  const devices = users.reduce((n, u) => n + (e.device === undefined ? u.devices.length : 1), 0);
  return `seen on ${devices} device${devices === 1 ? '' : 's'}`;
}

/**
 * Friend-request signals are the echo of the setup's friendships (asked and accepted on the users' behalf); they
 * reach a device whenever im-task gets to them, so "nothing else" does not count them.
 */
function isSetupEcho(frame: { type: string; signalType?: unknown }): boolean {
  return frame.type === 'signal' && String(frame.signalType).startsWith('friend.request.');
}

async function nothingElse(users: ActorUser[], device: number | undefined, ctx: CheckContext): Promise<string> {
  const deadline = Date.now() + ctx.withinMs;
  const unexpected = (): { user: ActorUser; device: Device; entry: ReceivedFrame } | undefined => {
    for (const user of users)
      for (const d of user.devices) {
        if (device !== undefined && d.number !== device) continue;
        const entry = since(d, ctx.sinceMs).find(
          (f) => !f.matched && !REPLIES.has(f.frame.type) && !isSetupEcho(f.frame),
        );
        if (entry) return { user, device: d, entry };
      }
    return undefined;
  };
  for (;;) {
    const found = unexpected();
    if (found)
      throw new StepFailure(
        `nothing else for ${ctx.withinMs} ms`,
        describeFrames(ctx.roster, [found.entry], 'any'),
        who(found.user, found.device),
      );
    const left = deadline - Date.now();
    if (left <= 0) return `nothing else arrived in ${ctx.withinMs} ms`;
    await Promise.race(users.map((u) => u.arrivals.next(left)));
  }
}

/** Checks on the appliance have no event to wait on: they ask again every POLL_MS until the deadline. */
export async function checkOnAppliance(e: Expectation, ctx: CheckContext, expected: string): Promise<string> {
  const what = e.what;
  let last = '';
  const poll = async (probe: () => Promise<string | undefined>): Promise<string | undefined> =>
    waitUntil(probe, ctx.withinMs, (ms) => sleep(Math.min(ms, POLL_MS)));
  let found: string | undefined;
  if (what.kind === 'presence') {
    const user = ctx.roster.one(what.user, ctx.lookup);
    const connections =
      what.connections === undefined ? undefined : Number(interpolateDeep(what.connections, ctx.lookup));
    found = await poll(async () => {
      const n = (await ctx.ops.presence()).get(user.userId) ?? 0;
      last = n === 0 ? `${user.name} offline` : `${user.name} online with ${n} connection${n === 1 ? '' : 's'}`;
      const ok = what.is === 'offline' ? n === 0 : n > 0 && (connections === undefined || n === connections);
      return ok ? last : undefined;
    });
  } else if (what.kind === 'record') {
    const value = interpolateDeep(what.value, ctx.lookup);
    const key = what.key === undefined ? undefined : String(interpolateDeep(what.key, ctx.lookup));
    found = await poll(async () => {
      const records = await ctx.ops.records(what.topic, {
        sinceMs: ctx.sinceMs,
        ...(what.eventType ? { eventType: what.eventType } : {}),
        ...(key ? { key } : {}),
      });
      const matching = records.filter((r) => matchesSubset(r.value, value));
      last =
        records.length === 0
          ? `no ${what.eventType ?? 'record'} on ${what.topic} since the step`
          : `${records.length} record(s), ${matching.length} matching; e.g. ${ctx.roster.readable(records[records.length - 1]?.value)}`;
      return matching.length >= ctx.count ? `${matching.length} matching record(s)` : undefined;
    });
  } else if (what.kind === 'row') {
    const where = interpolateDeep(what.where, ctx.lookup) as Record<string, string | number>;
    found = await poll(async () => {
      const rows = await ctx.ops.rows(what.table, where);
      last = `${rows.length} row(s)`;
      return rows.length >= ctx.count ? last : undefined;
    });
  }
  if (found === undefined)
    throw new StepFailure(
      `${expected}${ctx.count > 1 ? ` (${ctx.count})` : ''} within ${ctx.withinMs} ms`,
      ctx.roster.readable(last || 'nothing'),
    );
  return found;
}
