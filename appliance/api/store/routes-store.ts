// /api/presence and /api/data: who is online where, and the chat store's tables (read-only, paged).
import { BadRequestError, UnavailableError } from '../http/errors';
import type { DataReader, PresenceSource } from '../ports';
import { intParam, type Router } from '../http/router';

export function registerStoreRoutes(
  router: Router,
  presence: PresenceSource | null,
  data: DataReader | null,
  liveConsoles: () => number,
): void {
  router
    .add('GET', '/api/presence', async () => {
      if (!presence)
        throw new UnavailableError('presence is not available: the presence store (im-repo) is not running');
      const [users, gateways] = await Promise.all([presence.onlineUsers(), presence.gateways()]);
      const connections = users.reduce((sum, user) => sum + user.connections.length, 0);
      // Names are a courtesy: presence is still shown when the database cannot be read.
      const names = data ? await data.usernames(users.map((u) => u.userId)).catch(() => ({})) : {};
      return { users, gateways, connections, consoles: liveConsoles(), names };
    })
    .add('GET', '/api/data/tables', async () => {
      if (!data)
        throw new UnavailableError('the chat database is not available yet (im-repo creates it on first start)');
      return { tables: await data.tables() };
    })
    .add('GET', '/api/data/tables/:table', async ({ params, query }) => {
      if (!data)
        throw new UnavailableError('the chat database is not available yet (im-repo creates it on first start)');
      return data.page(
        params.table!,
        intParam(query, 'offset', 0),
        intParam(query, 'limit', 50, 1, 1000),
        whereParam(query),
      );
    });
}

/** ?where={"column":"value"}: rows whose columns equal these values (the scenario runner's "a row exists"). */
function whereParam(query: URLSearchParams): Record<string, string | number> {
  const raw = query.get('where');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BadRequestError(`where must be a JSON object of column values, got ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequestError('where must be a JSON object of column values');
  for (const [column, value] of Object.entries(parsed))
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new BadRequestError(`where.${column} must be a string or a number`);
  return parsed as Record<string, string | number>;
}
