// PresenceSource over im-repo's PresenceService (gRPC), found at whatever address the supervisor reports for it
// now: im-repo keeps its port across restarts, but the console does not assume so.
import { call, connectClient } from '../../../lib/grpc';
import { PresenceServiceClient } from '../../../proto/gen/gochat/repo/v1/repo';
import { UnavailableError } from '../http/errors';
import type { GatewayView, OnlineUserView, PresenceSource } from '../ports';

export class RepoPresence implements PresenceSource {
  private client: PresenceServiceClient | null = null;
  private clientAddress = '';

  constructor(private readonly repoAddress: () => string | null) {}

  private connected(): PresenceServiceClient {
    const address = this.repoAddress();
    if (!address) throw new UnavailableError('presence is not available: im-repo is not running');
    if (!this.client || this.clientAddress !== address) {
      this.client?.close();
      this.client = connectClient(PresenceServiceClient, address);
      this.clientAddress = address;
    }
    return this.client;
  }

  async onlineUsers(): Promise<OnlineUserView[]> {
    const response = await this.ask(() => call(this.connected(), 'listOnlineUsers', {}));
    return response.users.map((u) => ({
      userId: u.userId,
      connections: u.connections.map((c) => ({
        connId: c.connId,
        gatewayId: c.gatewayId,
        connectedAtMs: c.connectedAtMs,
        expiresAtMs: c.expiresAtMs,
      })),
    }));
  }

  async gateways(): Promise<GatewayView[]> {
    const response = await this.ask(() => call(this.connected(), 'listGateways', {}));
    return response.gateways.map((g) => ({
      gatewayId: g.gatewayId,
      publicAddress: g.publicAddress,
      grpcAddress: g.grpcAddress,
      expiresAtMs: g.expiresAtMs,
    }));
  }

  private async ask<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      throw new UnavailableError(
        `im-repo did not answer the presence query: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}
