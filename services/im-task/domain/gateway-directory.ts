// Which address each gateway's PusherService listens on. Read from im-repo's gateway registry, cached briefly
// (gateways renew their registration on a timer, so the list changes rarely) and refreshed when a gateway id is
// not in the cache or a push to a cached address failed (the gateway may have restarted on another port).
import type { Clock, PresenceDirectory } from './ports';

export const GATEWAY_CACHE_TTL_MS = 5000;
/** A gateway id missing right after a refresh is not worth asking again at once (ids of dead gateways linger). */
const MIN_MISS_REFRESH_MS = 200;

export class GatewayDirectory {
  private addresses = new Map<string, string>();
  private fetchedAtMs = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly presence: PresenceDirectory,
    private readonly clock: Clock,
    private readonly ttlMs = GATEWAY_CACHE_TTL_MS,
  ) {}

  /** The PusherService address of a gateway, or undefined when the registry does not know it. */
  async addressOf(gatewayId: string): Promise<string | undefined> {
    const age = this.clock.nowMs() - this.fetchedAtMs;
    if (age > this.ttlMs || (!this.addresses.has(gatewayId) && age > MIN_MISS_REFRESH_MS)) await this.refresh();
    return this.addresses.get(gatewayId);
  }

  /** Forgets the cached list, so the next lookup asks the registry again. */
  invalidate(): void {
    this.fetchedAtMs = Number.NEGATIVE_INFINITY;
  }

  private refresh(): Promise<void> {
    // Concurrent misses share one ListGateways call.
    this.refreshing ??= (async () => {
      try {
        const gateways = await this.presence.listGateways();
        this.addresses = new Map(gateways.map((g) => [g.gatewayId, g.grpcAddress]));
        this.fetchedAtMs = this.clock.nowMs();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
