// connections: how many idle authenticated WebSockets one gateway holds (target 20,000) and what each costs in
// the gateway's memory (its RSS from /proc before and after, divided by the connections held). The connections
// come from several generator processes, so no one of them needs 20,000 file descriptors; the gateway itself
// does, and when its open-file limit is below the target the target is lowered to fit and the note says so.
import { IdleFleet } from '../load/idle-process';
import { formatNumber, renderTable } from '../report/table';
import { chatWsUrl } from '../support/bench-users';
import { seedUsers } from '../support/bulk-users';
import { openFiles, rssBytes } from '../support/proc';
import type { BenchCase, CaseOptions, CaseResult } from './bench-case';

const PER_PROCESS = 5000;
/** File descriptors the gateway needs besides client sockets (gRPC, Kafka, Redis, logs), with room to spare. */
const FD_MARGIN = 64;

async function gatewayConnections(gatewayUrl: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${gatewayUrl}/api/health`);
    return ((await res.json()) as { connections?: number }).connections;
  } catch {
    return undefined;
  }
}

export const connectionsCase: BenchCase = {
  name: 'connections',
  description: 'idle authenticated WebSockets held by one gateway, and its memory per connection',
  async run(options: CaseOptions): Promise<CaseResult> {
    const target = options.quick ? 100 : 20_000;
    const { progress } = options;
    const notes: string[] = [];
    const appliance = await options.appliances.acquire();
    try {
      const gatewayUrl = appliance.gatewayUrls()[0] as string;
      const pid = appliance.pidOf('gw-1');
      progress.step(`system: seeding ${target} users`);
      const { users } = await seedUsers(appliance, { prefix: 'idle', count: target }, (done) =>
        progress.update(`seeded ${done} of ${target} users`),
      );
      const files = openFiles(pid);
      const room = files ? files.limit - files.open - FD_MARGIN : Number.POSITIVE_INFINITY;
      const attempted = Math.max(0, Math.min(target, room));
      if (attempted < target) {
        notes.push(
          `the gateway's open-file limit is ${files?.limit} (ulimit -n; the hard limit could not be raised) with ` +
            `${files?.open} already open: ${attempted} connections attempted instead of ${target}`,
        );
      }
      const idleBaseline = await gatewayConnections(gatewayUrl);
      const rssBefore = rssBytes(pid);
      const fleet = new IdleFleet(Math.max(1, Math.ceil(attempted / PER_PROCESS)));
      try {
        progress.step(
          `system: opening ${attempted} WebSockets to gw-1 from ${Math.ceil(attempted / PER_PROCESS)} process(es)`,
        );
        const result = await fleet.open(
          users.slice(0, attempted).map((user) => chatWsUrl(gatewayUrl, user)),
          50,
          (opened, failed) =>
            progress.update(`opened ${opened} of ${attempted}${failed > 0 ? `, ${failed} failed` : ''}`),
        );
        // Let the connect-time work (presence records, online events) finish before memory is read.
        await new Promise((resolveWait) => setTimeout(resolveWait, 2000));
        const rssAfter = rssBytes(pid);
        const held = await gatewayConnections(gatewayUrl);
        const perConnection =
          rssBefore !== undefined && rssAfter !== undefined && result.opened > 0
            ? (rssAfter - rssBefore) / result.opened
            : undefined;
        if (result.retried > 0) {
          notes.push(`${result.retried} connection(s) failed at first and were tried once more, more gently`);
        }
        for (const [reason, n] of Object.entries(result.failures))
          notes.push(`${n} connection(s) failed twice: ${reason}`);
        if (pid === undefined || rssBefore === undefined) notes.push('the gateway RSS could not be read from /proc');
        const perSecond = result.opened / (result.elapsedMs / 1000);
        return {
          name: 'connections',
          title: `connections: idle authenticated WebSockets on one gateway (gw-1), target ${target.toLocaleString('en-US')}`,
          figures: {
            target,
            attempted,
            opened: result.opened,
            heldByGateway: held === undefined || idleBaseline === undefined ? undefined : held - idleBaseline,
            retried: result.retried,
            failures: result.failures,
            connectMs: result.elapsedMs,
            connectsPerSec: perSecond,
            gatewayRssBeforeBytes: rssBefore,
            gatewayRssAfterBytes: rssAfter,
            gatewayBytesPerConnection: perConnection,
            gatewayOpenFileLimit: files?.limit,
          },
          tables: [
            renderTable(
              [
                'target',
                'attempted',
                'held',
                'retried',
                'failed',
                'connects/s',
                'gw RSS before MiB',
                'after MiB',
                'KiB per conn',
              ],
              [
                [
                  target,
                  attempted,
                  result.opened,
                  result.retried,
                  Object.values(result.failures).reduce((a, b) => a + b, 0),
                  perSecond,
                  rssBefore === undefined ? undefined : rssBefore / 2 ** 20,
                  rssAfter === undefined ? undefined : rssAfter / 2 ** 20,
                  perConnection === undefined ? undefined : formatNumber(perConnection / 1024, 1),
                ],
              ],
            ),
          ],
          notes,
        };
      } finally {
        progress.step('system: closing the connections');
        await fleet.close();
      }
    } finally {
      await options.appliances.release(appliance);
    }
  },
};
