// POST /api/seed: many users at once (with friendships and groups among them) through im-logic's bulk seeding,
// for the bench and other tools. At most 5,000 users per call.
//   { "prefix": "bench", "count": 1000, "password": "...", "friendships": [[0, 1]],
//     "groups": [{ "name": "all", "owner": 0, "members": [1, 2] }], "tokens": true }
// creates bench0 .. bench999 and answers { users: [{ userId, username, created, token }], groups, elapsedMs }.
import { BadRequestError, UnavailableError } from '../http/errors';
import type { SeedUsersRequest, UserSeeding } from '../ports';
import { objectBody, stringField, type Router } from '../http/router';

const MAX_USERS = 5000;
const PREFIX = /^[a-z0-9_.-]{1,24}$/;

function index(value: unknown, field: string, count: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
    throw new BadRequestError(`${field} must be a user index from 0 to ${count - 1}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BadRequestError(`"${field}" must be an array`);
  return value;
}

/** Checks the body's shape and names the first bad part; the value rules (password length) are im-logic's. */
export function parseSeedRequest(body: unknown): SeedUsersRequest {
  const request = objectBody(body);
  const prefix = stringField(request, 'prefix', true);
  if (!PREFIX.test(prefix))
    throw new BadRequestError(`"prefix" must be 1-24 characters of a-z 0-9 _ . -, got "${prefix}"`);
  const count = request.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_USERS) {
    throw new BadRequestError(`"count" must be an integer from 1 to ${MAX_USERS}, got ${JSON.stringify(count)}`);
  }
  const friendships = list(request.friendships, 'friendships').map((pair, i): [number, number] => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new BadRequestError(`friendships[${i}] must be [a, b]`);
    return [index(pair[0], `friendships[${i}][0]`, count), index(pair[1], `friendships[${i}][1]`, count)];
  });
  const groups = list(request.groups, 'groups').map((group, i) => {
    const g = objectBody(group);
    return {
      name: stringField(g, 'name', true),
      owner: index(g.owner, `groups[${i}].owner`, count),
      members: list(g.members, `groups[${i}].members`).map((m, j) => index(m, `groups[${i}].members[${j}]`, count)),
    };
  });
  if (request.tokens !== undefined && typeof request.tokens !== 'boolean') {
    throw new BadRequestError('"tokens" must be true or false');
  }
  return {
    usernames: Array.from({ length: count }, (_, i) => `${prefix}${i}`),
    password: stringField(request, 'password', true),
    friendships,
    groups,
    tokens: request.tokens === true,
  };
}

export function registerSeedRoutes(router: Router, seeding: UserSeeding | null): void {
  router.add('POST', '/api/seed', async ({ body }) => {
    if (!seeding) throw new UnavailableError('seeding is not available: this appliance API has no im-logic to call');
    return seeding.seed(parseSeedRequest(body));
  });
}
