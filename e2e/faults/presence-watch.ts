// What the system says about the load users' presence, sampled every 250 ms and judged against whether each load
// client really holds an open connection: what another user sees (GET /api/friends: online/offline) and the
// connections recorded in Redis (a crashed gateway's stale ones count as wrong until they are gone).
import { Redis } from 'ioredis';
import type { TestUser } from '../support/chat-client';
import type { LoadClient } from './chat-load';

const EVERY_MS = 250;
/** im-repo's key layout, read directly so stale connections are visible (the API shows only a status). */
const CONNS_PREFIX = 'gochat:presence:conns:';

interface Sample {
  /** When the sample was complete (its request started earlier). */
  at: number;
  /** null: the API or Redis did not answer (a process was down), so nothing can be judged. */
  right: boolean | null;
  /** Users connected throughout the sample but shown offline. */
  liveShownOffline: string[];
  staleConnections: number;
}

export class PresenceWatch {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly redis: Redis;

  constructor(
    private readonly watcher: TestUser,
    private readonly clients: LoadClient[],
    redisUrl: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    this.redis.on('error', () => undefined);
  }

  start(): void {
    void this.redis.connect().catch(() => undefined);
    this.timer = setInterval(() => void this.sample(), EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  /** Samples taken before this are not judged again (a fault starts here). */
  mark(at: number): void {
    while (this.samples.length > 0 && (this.samples[0] as Sample).at < at) this.samples.shift();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const before = this.clients.map((c) => c.connectedSince);
    try {
      const res = await this.watcher.call('GET', '/api/friends');
      const recorded = await Promise.all(this.clients.map((c) => this.redis.hkeys(CONNS_PREFIX + c.user.userId))).catch(
        () => null,
      );
      if (res.status !== 200 || recorded === null) {
        this.samples.push({ at: Date.now(), right: null, liveShownOffline: [], staleConnections: 0 });
        return;
      }
      const online = new Set<string>(
        (res.body.friends as { user: { userId: string }; status: string }[])
          .filter((f) => f.status === 'online')
          .map((f) => f.user.userId),
      );
      let right = true;
      let staleConnections = 0;
      const liveShownOffline: string[] = [];
      this.clients.forEach((c, i) => {
        const shown = online.has(c.user.userId);
        // on the same connection (or none) across the whole sample: otherwise it cannot be judged right
        const liveThroughout = before[i] !== null && before[i] === c.connectedSince;
        const goneThroughout = before[i] === null && c.connectedSince === null;
        if (!liveThroughout && !goneThroughout) right = false;
        if (liveThroughout && !shown) liveShownOffline.push(c.user.userId);
        if ((liveThroughout && !shown) || (goneThroughout && shown)) right = false;
        const stale = (recorded[i] ?? []).filter((connId) => !(liveThroughout && connId === c.connId)).length;
        staleConnections += stale;
        if (stale > 0) right = false;
      });
      // stamped when the answer came: a request held up by an outage tells the state at its end, not its start
      this.samples.push({ at: Date.now(), right, liveShownOffline, staleConnections });
    } catch {
      this.samples.push({ at: Date.now(), right: null, liveShownOffline: [], staleConnections: 0 });
    } finally {
      this.busy = false;
    }
  }

  /** The start of the run of right samples that lasts until now, if it began after `from`. */
  rightSince(from: number): number | null {
    const after = this.samples.filter((s) => s.at >= from);
    if (after.length === 0 || after.at(-1)?.right !== true) return null;
    let i = after.length - 1;
    while (i > 0 && after[i - 1]?.right === true) i -= 1;
    return (after[i] as Sample).at;
  }

  report(from: number): { rightAt: number | null; liveShownOffline: number; maxStale: number } {
    const samples = this.samples.filter((s) => s.at >= from);
    const users = new Set(samples.flatMap((s) => s.liveShownOffline));
    return {
      rightAt: this.rightSince(from),
      liveShownOffline: users.size,
      maxStale: Math.max(0, ...samples.map((s) => s.staleConnections)),
    };
  }
}
