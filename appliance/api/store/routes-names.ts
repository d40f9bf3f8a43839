// /api/names: the names behind the ids the console shows (users u_..., groups g_...), so every view can show a
// name with the id on hover. One call answers a batch; ids the store does not know are left out of the answer.
import { BadRequestError, UnavailableError } from '../http/errors';
import type { DataReader } from '../ports';
import type { Router } from '../http/router';

const MAX_IDS = 1000;
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function registerNameRoutes(router: Router, data: DataReader | null): void {
  router.add('GET', '/api/names', async ({ query }) => {
    const ids = [...new Set((query.get('ids') ?? '').split(',').filter((id) => id !== ''))];
    if (ids.length > MAX_IDS) throw new BadRequestError(`ids: at most ${MAX_IDS} at a time, got ${ids.length}`);
    const bad = ids.find((id) => !ID.test(id));
    if (bad !== undefined) throw new BadRequestError(`ids: "${bad.slice(0, 40)}" is not a user or group id`);
    if (!data) throw new UnavailableError('names are not available: the chat database (im-repo) is not open');
    // Any id may be either kind: an id that is neither is simply not in the answer.
    const [users, groups] = await Promise.all([data.usernames(ids), data.groupNames(ids)]);
    return { names: { ...users, ...groups } };
  });
}
