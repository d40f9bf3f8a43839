// /api/clients: create, drive and remove simulated users; /api/seed-flows: one-click runs of the seed flows.
import { BadRequestError } from '../http/errors';
import { intParam, objectBody, stringField, type Router } from '../http/router';
import { runSeedFlow, SEED_FLOWS, type SeedFlow } from './seed-flows';
import type { UserSeeding } from '../ports';
import { SIM_PASSWORD } from './simulated-client';
import type { SimulatedClients } from './simulated-clients';

export function registerClientRoutes(router: Router, clients: SimulatedClients, seeding: UserSeeding | null): void {
  router
    .add('GET', '/api/clients', () => ({ clients: clients.list() }))
    .add('POST', '/api/clients', async ({ body, query }) => {
      const request = objectBody(body);
      const username = stringField(request, 'username', true);
      const count = typeof request.count === 'number' ? request.count : intParam(query, 'count', 1, 1, 50);
      if (!Number.isInteger(count) || count < 1 || count > 50)
        throw new BadRequestError('"count" must be an integer from 1 to 50');
      const names = count === 1 ? [username] : Array.from({ length: count }, (_, i) => `${username}${i + 1}`);
      const team = parseTeam(request, count);
      if (team && names.some((name) => clients.has(name)))
        throw new BadRequestError(
          `a team named "${username}" exists already (${names.filter((n) => clients.has(n)).join(', ')}): pick another name`,
        );
      // Many at once: the accounts in one bulk call (one password hash) instead of one scrypt per register; a
      // team's friendships and group come in the same call, without a request and answer per pair.
      const tokens = new Map<string, { userId: string; token: string }>();
      if ((count > 1 || team) && seeding) {
        const seeded = await seeding.seed({
          usernames: names,
          password: SIM_PASSWORD,
          friendships: team?.friends ? allPairs(count) : [],
          groups: team?.groupSize
            ? [{ name: username, owner: 0, members: Array.from({ length: team.groupSize - 1 }, (_, i) => i + 1) }]
            : [],
          tokens: true,
        });
        for (const user of seeded.users)
          if (user.created && user.token) tokens.set(user.username, { userId: user.userId, token: user.token });
      } else if (team) throw new BadRequestError('a team needs the bulk seeding of im-logic, which is not available');
      const created = [];
      for (const name of names) created.push((await clients.create(name, tokens.get(name))).view());
      return { clients: created };
    })
    .add('DELETE', '/api/clients/:username', async ({ params }) => {
      await clients.remove(params.username!);
      return { ok: true };
    })
    .add('POST', '/api/clients/:username/connect', async ({ params }) => {
      await clients.get(params.username!).connect();
      return clients.get(params.username!).view();
    })
    .add('POST', '/api/clients/:username/disconnect', async ({ params }) => {
      await clients.get(params.username!).disconnect();
      return clients.get(params.username!).view();
    })
    .add('POST', '/api/clients/:username/send', ({ params, body }) => {
      const request = objectBody(body);
      const text = stringField(request, 'body', true);
      const toUser = stringField(request, 'toUserId');
      const groupId = stringField(request, 'groupId');
      const conversationId = stringField(request, 'conversationId');
      const to = toUser ? { userId: toUser } : groupId ? { groupId } : conversationId ? { conversationId } : null;
      if (!to) throw new BadRequestError('name the destination with one of toUserId, groupId, conversationId');
      return clients.get(params.username!).send(to, text);
    })
    .add('POST', '/api/clients/:username/read', async ({ params, body }) => {
      const conversationId = stringField(objectBody(body), 'conversationId', true);
      return { readSeq: await clients.get(params.username!).markRead(conversationId) };
    })
    .add('POST', '/api/clients/:username/friends', async ({ params, body }) => {
      const asker = clients.get(params.username!);
      const userId = stringField(objectBody(body), 'userId', true);
      // Friendship needs consent: a simulated user asked accepts on its own behalf (visibly, in its own panel).
      const friends = await asker.addFriend(userId);
      const asked = clients.byUserId(userId);
      if (!friends && asked) {
        await asked.acceptFriend(asker.userId);
        await asker.refresh();
      }
      return asker.view();
    })
    .add('POST', '/api/clients/:username/groups', async ({ params, body }) => {
      const request = objectBody(body);
      const members = request.memberIds ?? [];
      if (!Array.isArray(members) || !members.every((m) => typeof m === 'string'))
        throw new BadRequestError('"memberIds" must be an array of user ids');
      return {
        groupId: await clients
          .get(params.username!)
          .createGroup(stringField(request, 'name', true), members as string[]),
      };
    })
    .add('POST', '/api/clients/:username/groups/:groupId/members', async ({ params, body }) => {
      await clients
        .get(params.username!)
        .addGroupMember(params.groupId!, stringField(objectBody(body), 'userId', true));
      return clients.get(params.username!).view();
    })
    .add('GET', '/api/seed-flows', () => ({ flows: SEED_FLOWS }))
    .add('POST', '/api/seed-flows/:flow', async ({ params, body }) => {
      const flow = params.flow as SeedFlow;
      if (!SEED_FLOWS.includes(flow))
        throw new BadRequestError(`unknown seed flow "${params.flow}"; known: ${SEED_FLOWS.join(', ')}`);
      const prefix = stringField(objectBody(body ?? {}), 'prefix') ?? '';
      return runSeedFlow(clients, flow, prefix);
    });
}

/** The optional team part of POST /api/clients: { friends: true } makes all of them friends, { groupSize: M } puts
 *  the first M (the first one owning it) in a group named after the username. */
function parseTeam(request: Record<string, unknown>, count: number): { friends: boolean; groupSize: number } | null {
  const { friends, groupSize } = request;
  if (friends === undefined && groupSize === undefined) return null;
  if (friends !== undefined && typeof friends !== 'boolean')
    throw new BadRequestError('"friends" must be true or false');
  if (groupSize !== undefined) {
    if (typeof groupSize !== 'number' || !Number.isInteger(groupSize) || groupSize < 2 || groupSize > count)
      throw new BadRequestError(
        `"groupSize" must be an integer from 2 to "count" (${count}), got ${JSON.stringify(groupSize)}`,
      );
    if (friends !== true) throw new BadRequestError('a group takes only its owner\'s friends: set "friends": true');
  }
  return { friends: friends === true, groupSize: typeof groupSize === 'number' ? groupSize : 0 };
}

function allPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) pairs.push([a, b]);
  return pairs;
}
