// Before the steps: the scenario's users (created for the run in one call, or existing ones logged in),
// friendships and groups. Friendship goes through befriend() only, so a change in how friends are made (consent,
// issue 17) is one function to adapt.
import type { Scenario } from '../format/model';
import { interpolate, type Lookup } from './interpolate';
import type { ApplianceOps, ChatGateways } from './ports';
import { ActorUser, Roster } from './roster';
import { sleep } from './signal';

/**
 * How many members a group is created with in one call; the rest are added a few at a time. The gateway takes up
 * to 500, but creating a 200-member group in one call ran past the gateway's 5 s gRPC deadline on a loaded machine.
 */
const CREATE_WITH = 100;
const ADD_AT_ONCE = 4;
const FRIEND_AT_ONCE = 8;

/** Friendship by consent (docs/protocol.md): a asks, and b accepts unless the two are friends already. */
export async function befriend(gateways: ChatGateways, a: ActorUser, b: ActorUser): Promise<void> {
  const asked = await gateways.call<{ status?: string }>(a.gateway, a.token, 'POST', '/api/friends', {
    userId: b.userId,
  });
  if (asked.status !== 'pending') return;
  await gateways.call(b.gateway, b.token, 'POST', `/api/friends/requests/${encodeURIComponent(a.userId)}`, {
    accept: true,
  });
}

export function countOf(value: number | string, lookup: Lookup, what: string): number {
  const n = typeof value === 'number' ? value : Number(interpolate(value, lookup));
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${what} must be a whole number >= 0, got ${String(value)} = ${n}`);
  return n;
}

export async function createActors(
  scenario: Scenario,
  deps: { gateways: ChatGateways; ops: ApplianceOps },
  runId: string,
  lookup: Lookup,
): Promise<Roster> {
  const roster = new Roster();
  const known = new Set(deps.gateways.gatewayIds());
  for (const actor of scenario.actors)
    if (!known.has(actor.gateway))
      throw new Error(
        `actor ${actor.name} wants ${actor.gateway}, but this appliance has ${[...known].join(', ')} (set appliance.gateways)`,
      );
  const created = scenario.actors.filter((a) => a.user === undefined);
  const sizes = created.map((a) => (a.count === undefined ? 1 : countOf(a.count, lookup, `actors.${a.name}.count`)));
  const total = sizes.reduce((sum, n) => sum + n, 0);
  const password = `scenario-${runId}-password`;
  const users = total > 0 ? await deps.ops.createUsers(`sc${runId}`, total, password) : [];
  let next = 0;
  created.forEach((actor, i) => {
    const mine = users.slice(next, next + sizes[i]!);
    next += sizes[i]!;
    const counted = actor.count !== undefined;
    roster.add(
      actor.name,
      mine.map(
        (u, j) =>
          new ActorUser(
            counted ? `${actor.name}[${j}]` : actor.name,
            actor.gateway,
            u.userId,
            u.username,
            u.token,
            actor.devices,
          ),
      ),
      counted,
    );
  });
  for (const actor of scenario.actors.filter((a) => a.user !== undefined)) {
    const u = await deps.gateways.login(actor.gateway, actor.user!, actor.password ?? '');
    roster.add(
      actor.name,
      [new ActorUser(actor.name, actor.gateway, u.userId, u.username, u.token, actor.devices)],
      false,
    );
  }
  return roster;
}

export async function makeFriends(
  scenario: Scenario,
  gateways: ChatGateways,
  roster: Roster,
  lookup: Lookup,
): Promise<number> {
  let pairs = 0;
  for (const friendship of scenario.friends) {
    const left = friendship.a.flatMap((ref) => roster.resolve(ref, lookup));
    const right = friendship.b.flatMap((ref) => roster.resolve(ref, lookup));
    for (const a of left)
      for (const b of right) {
        if (a === b) continue;
        await befriend(gateways, a, b);
        pairs += 1;
      }
  }
  return pairs;
}

export async function makeGroups(
  scenario: Scenario,
  gateways: ChatGateways,
  roster: Roster,
  lookup: Lookup,
  runId: string,
): Promise<string[]> {
  const made: string[] = [];
  for (const spec of scenario.groups) {
    const owner = roster.one(spec.owner, lookup);
    const members = [...new Set(spec.members.flatMap((ref) => roster.resolve(ref, lookup)))].filter((u) => u !== owner);
    // A group's owner may add only friends (docs/protocol.md): the setup makes them friends first.
    for (let i = 0; i < members.length; i += FRIEND_AT_ONCE)
      await Promise.all(members.slice(i, i + FRIEND_AT_ONCE).map((member) => befriend(gateways, owner, member)));
    const ids = members.map((m) => m.userId);
    const groupId = await createGroup(gateways, owner, `${spec.name}-${runId}`, ids.slice(0, CREATE_WITH));
    const rest = ids.slice(CREATE_WITH);
    for (let i = 0; i < rest.length; i += ADD_AT_ONCE)
      await Promise.all(
        rest.slice(i, i + ADD_AT_ONCE).map((userId) =>
          gateways.call(owner.gateway, owner.token, 'POST', `/api/groups/${encodeURIComponent(groupId)}/members`, {
            userId,
          }),
        ),
      );
    roster.groups.set(spec.name, { name: spec.name, id: groupId, owner });
    made.push(`${spec.name} (${members.length + 1} members)`);
  }
  return made;
}

/**
 * Creates the group; when the call fails (a loaded machine runs past the gateway's gRPC deadline while im-logic
 * still creates it), the owner's groups are looked at for the name, unique to the run, before trying again, so
 * a retry never makes a second group.
 */
async function createGroup(
  gateways: ChatGateways,
  owner: ActorUser,
  name: string,
  memberIds: string[],
): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const created = await gateways.call<{ group: { groupId: string } }>(
        owner.gateway,
        owner.token,
        'POST',
        '/api/groups',
        { name, memberIds },
      );
      return created.group.groupId;
    } catch (error) {
      lastError = error;
    }
    for (let look = 0; look < 10; look += 1) {
      const { groups } = await gateways.call<{ groups: { groupId: string; name: string }[] }>(
        owner.gateway,
        owner.token,
        'GET',
        '/api/groups',
      );
      const found = groups.find((g) => g.name === name);
      if (found) return found.groupId;
      await sleep(500);
    }
  }
  throw lastError;
}
