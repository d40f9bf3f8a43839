// Who is online where: one entry per connection, renewed by gateway heartbeats, so a crashed gateway's users expire
// instead of staying online forever.
import type { UserPresence } from '../../../proto/gen/gochat/common/v1/common';
import type { GatewayInfo } from '../../../proto/gen/gochat/repo/v1/repo';
import { InvalidArgument } from '../../../lib/errors';
import type { PresenceStore } from './ports';
import { requireIds, requireIntInRange, requireText } from './validation';

export const DEFAULT_CONNECTION_TTL_MS = 60_000;
export const DEFAULT_GATEWAY_TTL_MS = 30_000;
const MIN_TTL_MS = 100;
const MAX_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_HEARTBEAT_CONNECTIONS = 100_000;

function ttl(field: string, value: number, fallback: number): number {
  return value === 0 ? fallback : requireIntInRange(field, value, MIN_TTL_MS, MAX_TTL_MS);
}

// Connection and gateway ids are chosen by gateways; they only need to be non-empty and bounded.
function requireKey(field: string, value: string): string {
  requireText(field, value, 256);
  if (/\s/.test(value)) throw new InvalidArgument(`${field} "${value}" must not contain whitespace`);
  return value;
}

export class PresenceTracker {
  constructor(private readonly store: PresenceStore) {}

  async setOnline(userId: string, connId: string, gatewayId: string, ttlMs: number) {
    requireKey('user_id', userId);
    requireKey('conn_id', connId);
    requireKey('gateway_id', gatewayId);
    return this.store.setOnline(userId, connId, gatewayId, ttl('ttl_ms', ttlMs, DEFAULT_CONNECTION_TTL_MS));
  }

  async setOffline(userId: string, connId: string, gatewayId: string) {
    requireKey('user_id', userId);
    requireKey('conn_id', connId);
    requireKey('gateway_id', gatewayId);
    return this.store.setOffline(userId, connId, gatewayId);
  }

  async heartbeat(gatewayId: string, connections: readonly { userId: string; connId: string }[], ttlMs: number) {
    requireKey('gateway_id', gatewayId);
    if (connections.length > MAX_HEARTBEAT_CONNECTIONS) {
      throw new InvalidArgument(
        `connections lists ${connections.length}; at most ${MAX_HEARTBEAT_CONNECTIONS} allowed`,
      );
    }
    connections.forEach((c, i) => {
      requireKey(`connections[${i}].user_id`, c.userId);
      requireKey(`connections[${i}].conn_id`, c.connId);
    });
    return this.store.heartbeat(gatewayId, connections, ttl('ttl_ms', ttlMs, DEFAULT_CONNECTION_TTL_MS));
  }

  async getPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    return this.store.getPresence(requireIds('user_ids', userIds, 10_000));
  }

  async listOnline(): Promise<UserPresence[]> {
    return this.store.listOnline();
  }

  async registerGateway(gateway: GatewayInfo | undefined, ttlMs: number): Promise<GatewayInfo> {
    if (!gateway) throw new InvalidArgument('gateway is required');
    requireKey('gateway.gateway_id', gateway.gatewayId);
    requireKey('gateway.grpc_address', gateway.grpcAddress);
    requireText('gateway.public_address', gateway.publicAddress, 256, { allowEmpty: true });
    return this.store.registerGateway(
      { gatewayId: gateway.gatewayId, grpcAddress: gateway.grpcAddress, publicAddress: gateway.publicAddress },
      ttl('ttl_ms', ttlMs, DEFAULT_GATEWAY_TTL_MS),
    );
  }

  async listGateways(): Promise<GatewayInfo[]> {
    return this.store.listGateways();
  }
}
