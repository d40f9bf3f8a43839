// PushToUsers on the gateways, one gRPC client per gateway address, kept while the address is in use.
import type { SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import { PusherServiceClient } from '../../../proto/gen/gochat/gateway/v1/gateway';
import { call, connectClient } from '../../../lib/grpc';
import { currentTraceparent } from '../../../lib/telemetry';
import type { PushOutcome, SignalPusher } from '../domain/ports';

/** A push is a hint the client can do without (it pulls on reconnect), so a slow gateway is not waited on long. */
export const PUSH_DEADLINE_MS = 2000;

export class GatewayPusher implements SignalPusher {
  private readonly clients = new Map<string, PusherServiceClient>();

  async push(address: string, userIds: string[], signal: SystemSignalMessage): Promise<PushOutcome> {
    const client = this.clientFor(address);
    // The signal shows the trace of the work that pushes it (the event being handled), as the call's span does.
    const traceparent = currentTraceparent() ?? '';
    try {
      const res = await call(
        client,
        'pushToUsers',
        { userIds, payload: { $case: 'signal', value: signal }, trace: { traceparent, tracestate: '' } },
        { deadlineMs: PUSH_DEADLINE_MS },
      );
      return { deliveredUserIds: res.deliveredUserIds, notConnectedUserIds: res.notConnectedUserIds };
    } catch (err) {
      // A gateway that moved or died leaves a dead channel behind; a fresh one is made if the address comes back.
      this.clients.delete(address);
      client.close();
      throw err;
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private clientFor(address: string): PusherServiceClient {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = connectClient(PusherServiceClient, address);
      this.clients.set(address, client);
    }
    return client;
  }
}
