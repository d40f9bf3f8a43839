// Delivers a signal to users wherever they are connected: presence says which gateways hold each user, and each
// gateway gets one PushToUsers with only its own users. Offline users get nothing (they catch up by pulling).
// A gateway that cannot be reached is retried a few times, then given up on and logged: a push is a hint, and
// one dead gateway must not hold up the topic partition behind it.
import { PresenceStatus, type SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { GatewayDirectory } from './gateway-directory';
import type { PresenceDirectory, SignalPusher, Sleep } from './ports';
import { backoffMs } from '../../../lib/backoff';

export interface PushRetryPolicy {
  attempts: number;
  initialDelayMs: number;
}

export const DEFAULT_PUSH_RETRY: PushRetryPolicy = { attempts: 3, initialDelayMs: 200 };

export interface RoutedPush {
  /** gateway id -> users pushed there. */
  gateways: Map<string, string[]>;
  deliveredUserIds: string[];
  /** Users whose gateway is unknown to the registry or could not be reached after the retries. */
  undeliveredUserIds: string[];
  offlineUserIds: string[];
}

/** Where the router reports what it gave up on (a logger, in the service). */
export interface PushProblems {
  gatewayUnknown(gatewayId: string, userIds: string[]): void;
  gatewayFailed(gatewayId: string, address: string, attempts: number, err: unknown): void;
}

export class SignalRouter {
  constructor(
    private readonly presence: PresenceDirectory,
    private readonly gateways: GatewayDirectory,
    private readonly pusher: SignalPusher,
    private readonly problems: PushProblems,
    private readonly sleep: Sleep,
    private readonly retry: PushRetryPolicy = DEFAULT_PUSH_RETRY,
  ) {}

  async pushToUsers(userIds: readonly string[], signal: SystemSignalMessage): Promise<RoutedPush> {
    const targets = [...new Set(userIds)].filter((id) => id !== '');
    const routed: RoutedPush = {
      gateways: new Map(),
      deliveredUserIds: [],
      undeliveredUserIds: [],
      offlineUserIds: [],
    };
    if (targets.length === 0) return routed;
    // A failure here is infrastructure (im-repo down): it propagates, and the record is retried as a whole.
    const presence = await this.presence.getUsersPresence(targets);
    const byGateway = routed.gateways;
    const located = new Set<string>();
    for (const user of presence) {
      if (user.status !== PresenceStatus.PRESENCE_STATUS_ONLINE) continue;
      for (const conn of user.connections) {
        const users = byGateway.get(conn.gatewayId) ?? [];
        if (!users.includes(user.userId)) users.push(user.userId);
        byGateway.set(conn.gatewayId, users);
        located.add(user.userId);
      }
    }
    routed.offlineUserIds = targets.filter((id) => !located.has(id));
    const delivered = new Set<string>();
    const undelivered = new Set<string>();
    await Promise.all(
      [...byGateway].map(async ([gatewayId, users]) => {
        const outcome = await this.pushToGateway(gatewayId, users, signal);
        for (const id of outcome?.deliveredUserIds ?? []) delivered.add(id);
        if (outcome === undefined) users.forEach((id) => undelivered.add(id));
      }),
    );
    // A user connected to two gateways counts as delivered if either reached them.
    routed.deliveredUserIds = [...delivered];
    routed.undeliveredUserIds = [...undelivered].filter((id) => !delivered.has(id));
    return routed;
  }

  private async pushToGateway(
    gatewayId: string,
    userIds: string[],
    signal: SystemSignalMessage,
  ): Promise<{ deliveredUserIds: string[] } | undefined> {
    let lastError: unknown;
    let address: string | undefined;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      address = await this.gateways.addressOf(gatewayId);
      if (address === undefined) {
        this.problems.gatewayUnknown(gatewayId, userIds);
        return undefined;
      }
      try {
        return await this.pusher.push(address, userIds, signal);
      } catch (err) {
        lastError = err;
        // The gateway may have restarted elsewhere: look its address up again before the next attempt.
        this.gateways.invalidate();
        if (attempt < this.retry.attempts)
          await this.sleep(backoffMs(attempt - 1, { initialMs: this.retry.initialDelayMs }));
      }
    }
    this.problems.gatewayFailed(gatewayId, address ?? '', this.retry.attempts, lastError);
    return undefined;
  }
}
