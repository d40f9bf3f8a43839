// /api/clients: create, drive and remove simulated users; /api/seed-flows: one-click runs of the seed flows.
import { BadRequestError } from '../errors';
import { intParam, objectBody, stringField, type Router } from '../router';
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
      // Many at once: the accounts in one bulk call (one password hash) instead of one scrypt per register.
      if (count > 1 && seeding) {
        await seeding.seed({ usernames: names, password: SIM_PASSWORD, friendships: [], groups: [], tokens: false });
      }
      const created = [];
      for (const name of names) created.push((await clients.create(name)).view());
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
