// PusherService (im-task pushes signals and messages through it) and GatewayAdminService (the console).
import { InvalidArgument } from '../../../lib/errors';
import { serviceOf, type ServiceRegistration } from '../../../lib/grpc';
import {
  GatewayAdminServiceService,
  PusherServiceService,
  type ListConnectionsResponse,
  type PushToUsersRequest,
  type PushToUsersResponse,
} from '../../../proto/gen/gochat/gateway/v1/gateway';
import type { ConnectionRegistry } from '../domain/connection-registry';
import type { Delivery } from '../domain/delivery';

const MAX_PUSH_USERS = 10_000;

export function gatewayGrpcServices(
  gatewayId: string,
  delivery: Delivery,
  registry: ConnectionRegistry,
): ServiceRegistration[] {
  return [
    serviceOf(PusherServiceService, {
      pushToUsers: async (req: PushToUsersRequest): Promise<PushToUsersResponse> => {
        if (req.userIds.length > MAX_PUSH_USERS) {
          throw new InvalidArgument(`user_ids lists ${req.userIds.length} users; at most ${MAX_PUSH_USERS} per call`);
        }
        switch (req.payload?.$case) {
          case 'signal':
            return delivery.pushSignal(req.userIds, req.payload.value);
          case 'message':
            // The frames carry this call's trace (its span is active), a child of the caller's.
            return delivery.pushMessage(req.userIds, req.payload.value);
          default:
            throw new InvalidArgument('payload must be a signal or a message');
        }
      },
    }),
    serviceOf(GatewayAdminServiceService, {
      listConnections: async (): Promise<ListConnectionsResponse> => ({
        gatewayId,
        connections: registry.all().map((l) => ({
          connId: l.connId,
          userId: l.userId,
          connectedAtMs: l.connectedAtMs,
          remoteAddress: l.remoteAddress,
        })),
      }),
    }),
  ];
}
