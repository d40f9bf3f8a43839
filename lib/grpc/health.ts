// grpc.health.v1.Health: Check and Watch, "" meaning the whole server.
import { credentials, Metadata, status as grpcStatus, type ServerWritableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthClient,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from '../../proto/gen/grpc/health/v1/health';

export { ServingStatus };

type Watcher = (status: ServingStatus) => void;

/** The serving status of each service of one server, with watchers notified on every change. */
export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly streams = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>();

  set(service: string, serving: boolean | ServingStatus): void {
    const next = typeof serving === 'boolean' ? (serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING) : serving;
    if (this.statuses.get(service) === next) return;
    this.statuses.set(service, next);
    for (const watcher of this.watchers.get(service) ?? []) watcher(next);
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  services(): string[] {
    return [...this.statuses.keys()];
  }

  /** Ends every open Watch stream (at shutdown, so the server can close). */
  endWatches(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  readonly server: HealthServer = {
    check: (call, callback) => {
      const current = this.statuses.get(call.request.service);
      if (current === undefined) {
        callback({ code: grpcStatus.NOT_FOUND, details: `unknown service "${call.request.service}"` });
        return;
      }
      callback(null, { status: current });
    },
    watch: (call) => {
      const service = call.request.service;
      const send: Watcher = (status) => {
        if (!call.cancelled && call.writable) call.write({ status });
      };
      send(this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN);
      let set = this.watchers.get(service);
      if (!set) this.watchers.set(service, (set = new Set()));
      set.add(send);
      this.streams.add(call);
      const stop = (): void => {
        this.watchers.get(service)?.delete(send);
        this.streams.delete(call);
      };
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
    },
  };
}

/** Asks a server for the status of one of its services ("" = overall). Rejects when unreachable or unknown. */
export async function checkHealth(address: string, service = '', deadlineMs = 2000): Promise<ServingStatus> {
  const client = new HealthClient(address, credentials.createInsecure());
  try {
    return await new Promise<ServingStatus>((resolve, reject) => {
      client.check({ service }, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(err);
        else resolve(res.status);
      });
    });
  } finally {
    client.close();
  }
}
