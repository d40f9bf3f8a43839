// PresenceRegistry over gRPC: im-repo's PresenceService, which keeps presence in Redis.
import { call, connectClient } from '../../../lib/grpc';
import { PresenceServiceClient } from '../../../proto/gen/gochat/repo/v1/repo';
import type { PresenceRegistry } from '../domain/ports';

export class GrpcPresenceRegistry implements PresenceRegistry {
  private readonly client: PresenceServiceClient;

  constructor(
    address: string,
    private readonly gatewayId: string,
  ) {
    this.client = connectClient(PresenceServiceClient, address);
  }

  async setOnline(userId: string, connId: string, ttlMs: number) {
    const res = await call(this.client, 'setUserOnline', { userId, connId, gatewayId: this.gatewayId, ttlMs });
    return { firstConnection: res.firstConnection };
  }

  async setOffline(userId: string, connId: string) {
    const res = await call(this.client, 'setUserOffline', { userId, connId, gatewayId: this.gatewayId });
    return { lastConnection: res.lastConnection };
  }

  async heartbeat(connections: { userId: string; connId: string }[], ttlMs: number) {
    const res = await call(this.client, 'heartbeat', { gatewayId: this.gatewayId, connections, ttlMs });
    return { renewed: res.renewed, expiredUserIds: res.expiredUserIds };
  }

  async registerGateway(grpcAddress: string, publicAddress: string, ttlMs: number): Promise<void> {
    await call(this.client, 'registerGateway', {
      gateway: { gatewayId: this.gatewayId, grpcAddress, publicAddress, registeredAtMs: Date.now(), expiresAtMs: 0 },
      ttlMs,
    });
  }

  close(): void {
    this.client.close();
  }
}
