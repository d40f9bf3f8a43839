// presence: a user with many online friends comes online; the time from the start of its connection until each
// friend has the `friend.status.changed` online signal, and until all have it. No baseline: the relay has no
// presence, and a bare broadcast would say little about the path through Redis, Kafka and the gateways.
import type { LoadUser } from '../load/protocol';
import { renderTable } from '../report/table';
import { chatWsUrl } from '../support/bench-users';
import { seedUsers } from '../support/bulk-users';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';
import { countsTable, loadNotes, runRouteLoad } from './route-load';

export const presenceCase: BenchCase = {
  name: 'presence',
  description: 'a user with many online friends comes online: time until every friend is notified',
  async run(options: CaseOptions): Promise<CaseResult> {
    const friends = options.quick ? 50 : 1000;
    const { progress } = options;
    const appliance = await options.appliances.acquire();
    try {
      progress.step(`system: seeding a user with ${friends} friends`);
      const { users } = await seedUsers(appliance, {
        prefix: 'pres',
        count: friends + 1,
        friendships: Array.from({ length: friends }, (_, i): [number, number] => [0, i + 1]),
      });
      const gateways = appliance.gatewayUrls();
      const loadUsers: LoadUser[] = users.map((user, i) => ({
        userId: user.userId,
        wsUrl: chatWsUrl(gateways[i % gateways.length] as string, user),
        deferred: i === 0,
      }));
      const target = await runRouteLoad({
        target: 'system',
        users: loadUsers,
        routes: [],
        phases: [
          {
            kind: 'online',
            user: 0,
            watchers: Array.from({ length: friends }, (_, i) => i + 1),
            durationMs: 0,
            drainMs: 60_000,
          },
        ],
        generators: 1,
        bodyBytes: 0,
        progress,
      });
      const phase = target.phases[0];
      return {
        name: 'presence',
        title: `presence: a user with ${friends} online friends connects; ${options.gateways} gateway(s)`,
        figures: {
          friends,
          notified: phase?.counts.delivered ?? 0,
          p50Ms: phase?.latency.p50Ms ?? 0,
          p99Ms: phase?.latency.p99Ms ?? 0,
          allNotifiedMs: phase?.latency.maxMs ?? 0,
          target,
        },
        tables: [
          renderTable(
            ['online friends', 'notified', 'p50 ms', 'p99 ms', 'all notified ms'],
            [[friends, phase?.counts.delivered, phase?.latency.p50Ms, phase?.latency.p99Ms, phase?.latency.maxMs]],
          ),
          countsTable([target]),
        ],
        notes: loadNotes([target]),
      };
    } finally {
      await options.appliances.release(appliance);
    }
  },
};
