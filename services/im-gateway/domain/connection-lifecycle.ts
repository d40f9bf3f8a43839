import type { ConnectionRegistry } from './connection-registry';
import type { ClientLink, Clock, GatewayEventPublisher, PresenceRegistry } from './ports';
import { KeyedSerialQueue } from './serial-queue';

export type OfflineReason = 'closed' | 'gateway_shutdown' | 'expired';

export interface LifecycleLog {
  warn(obj: object, msg: string): void;
}

export interface ConnectionLifecycleOptions {
  gatewayId: string;
  /** How long a connection stays in the presence registry without a heartbeat. */
  presenceTtlMs: number;
  registry: ConnectionRegistry;
  presence: PresenceRegistry;
  events: GatewayEventPublisher;
  clock: Clock;
  log: LifecycleLog;
}

/**
 * Keeps the presence registry and the user-events topic in step with the connections this gateway holds:
 * user.online when a user's first connection comes up anywhere, user.offline when the last one goes.
 */
export class ConnectionLifecycle {
  private readonly perUser = new KeyedSerialQueue();

  constructor(private readonly o: ConnectionLifecycleOptions) {}

  /** Registers a new connection; rejects (and forgets it) when the presence registry cannot record it. */
  open(link: ClientLink): Promise<void> {
    this.o.registry.add(link);
    return this.perUser.run(link.userId, async () => {
      try {
        const { firstConnection } = await this.o.presence.setOnline(link.userId, link.connId, this.o.presenceTtlMs);
        if (!firstConnection) return;
        await this.o.events
          .publishUserOnline({
            userId: link.userId,
            gatewayId: this.o.gatewayId,
            connId: link.connId,
            onlineAtMs: this.o.clock.now(),
          })
          .catch((err: unknown) => {
            // Presence is recorded; only friends' notification is lost. Not a reason to refuse the client.
            this.o.log.warn({ err, userId: link.userId }, 'user.online could not be published');
          });
      } catch (err) {
        this.o.registry.remove(link.connId);
        throw err;
      }
    });
  }

  /** Forgets a connection (idempotent); publishes user.offline when it was the user's last one. */
  close(connId: string, reason: OfflineReason): Promise<void> {
    const link = this.o.registry.remove(connId);
    if (!link) return Promise.resolve();
    return this.perUser.run(link.userId, async () => {
      try {
        const { lastConnection } = await this.o.presence.setOffline(link.userId, link.connId);
        if (!lastConnection) return;
        await this.o.events.publishUserOffline({
          userId: link.userId,
          gatewayId: this.o.gatewayId,
          connId: link.connId,
          offlineAtMs: this.o.clock.now(),
          reason,
        });
      } catch (err) {
        // The connection's presence entry expires by itself when no heartbeat renews it.
        this.o.log.warn({ err, userId: link.userId, connId }, 'going offline was not fully recorded');
      }
    });
  }

  /**
   * Renews the presence entries of every connection held here, and publishes user.offline (reason "expired")
   * for the users whose connections expired, wherever they were held: a crashed gateway cannot say so itself.
   */
  async heartbeat(): Promise<{ renewed: number; expired: string[] }> {
    const connections = this.o.registry.all().map((l) => ({ userId: l.userId, connId: l.connId }));
    const { renewed, expiredUserIds } = await this.o.presence.heartbeat(connections, this.o.presenceTtlMs);
    if (renewed < connections.length) {
      // Some connections held here were no longer on record: this gateway missed heartbeats (a long pause) and
      // they expired. Without re-announcing them, pushes could not find these live clients.
      const sweptHere = new Set(expiredUserIds);
      await this.reannounce((userId) => !sweptHere.has(userId));
    }
    const expired = expiredUserIds.filter((userId) => this.o.registry.linksOf(userId).length === 0);
    await Promise.all(
      expired.map((userId) =>
        this.perUser.run(userId, () =>
          this.o.events.publishUserOffline({
            userId,
            gatewayId: this.o.gatewayId,
            connId: '',
            offlineAtMs: this.o.clock.now(),
            reason: 'expired',
          }),
        ),
      ),
    );
    return { renewed, expired };
  }

  /**
   * Records every held connection again. A user who comes back as a first connection is published online only
   * when someone else's sweep published them offline (announceOnline); when this gateway's own heartbeat swept
   * them, no offline went out, so no online is owed either.
   */
  private async reannounce(announceOnline: (userId: string) => boolean): Promise<void> {
    await Promise.all(
      this.o.registry.all().map((link) =>
        this.perUser.run(link.userId, async () => {
          const { firstConnection } = await this.o.presence.setOnline(link.userId, link.connId, this.o.presenceTtlMs);
          if (!firstConnection || !announceOnline(link.userId)) return;
          await this.o.events.publishUserOnline({
            userId: link.userId,
            gatewayId: this.o.gatewayId,
            connId: link.connId,
            onlineAtMs: this.o.clock.now(),
          });
        }),
      ),
    );
  }

  /** Shutdown: tells every client the gateway is going away and records each as offline. */
  async closeAll(): Promise<void> {
    const links = this.o.registry.all();
    for (const link of links) link.goAway('gateway shutting down');
    await Promise.all(links.map((l) => this.close(l.connId, 'gateway_shutdown')));
    await this.perUser.idle();
  }
}
