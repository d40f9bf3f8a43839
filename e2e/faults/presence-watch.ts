// What another user sees of the load users' presence, sampled through the public API (GET /api/friends), judged
// against whether each load client really holds an open connection at the time.
import type { TestUser } from '../support/chat-client';
import type { LoadClient } from './chat-load';

const EVERY_MS = 250;

interface Sample {
  at: number;
  /** null: the API did not answer (a service was down), so nothing can be judged. */
  right: boolean | null;
  /** Users connected throughout the request but shown offline. */
  liveShownOffline: string[];
}

export class PresenceWatch {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly watcher: TestUser,
    private readonly clients: LoadClient[],
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Samples taken before this are not judged again (a fault starts here). */
  mark(at: number): void {
    while (this.samples.length > 0 && (this.samples[0] as Sample).at < at) this.samples.shift();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const started = Date.now();
    const before = this.clients.map((c) => c.connectedSince);
    try {
      const res = await this.watcher.call('GET', '/api/friends');
      if (res.status !== 200) {
        this.samples.push({ at: started, right: null, liveShownOffline: [] });
        return;
      }
      const online = new Set<string>(
        (res.body.friends as { user: { userId: string }; status: string }[])
          .filter((f) => f.status === 'online')
          .map((f) => f.user.userId),
      );
      let right = true;
      const liveShownOffline: string[] = [];
      this.clients.forEach((c, i) => {
        const shown = online.has(c.user.userId);
        // connected across the whole request, on the same connection
        const liveThroughout = before[i] !== null && before[i] === c.connectedSince;
        const goneThroughout = before[i] === null && c.connectedSince === null;
        if (liveThroughout && !shown) liveShownOffline.push(c.user.userId);
        if ((liveThroughout && !shown) || (goneThroughout && shown)) right = false;
        if (!liveThroughout && !goneThroughout) right = false; // changed meanwhile: cannot be judged right
      });
      this.samples.push({ at: started, right, liveShownOffline });
    } catch {
      this.samples.push({ at: started, right: null, liveShownOffline: [] });
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

  report(from: number): { rightAt: number | null; liveShownOffline: number } {
    const users = new Set(this.samples.filter((s) => s.at >= from).flatMap((s) => s.liveShownOffline));
    return { rightAt: this.rightSince(from), liveShownOffline: users.size };
  }
}
