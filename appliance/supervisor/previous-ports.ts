// The ports the previous run on a data dir used, read from its appliance.json, so that a restart (after a crash
// of the supervisor too) serves every address it served before when the port is still free: clients configured
// with a gateway address find it again, and so do tools pointed at Kafka, Redis or the console.
import type { ApplianceRecord } from './data-dir';
import { hostPort } from './infra-health';

export interface PreviousPorts {
  /** Per service name ("im-repo", "gw-1"): its gRPC and, for gateways, HTTP port. */
  services: Record<string, { grpc?: number; http?: number }>;
  kafka?: number;
  redis?: number;
  admin?: number;
}

export function previousPorts(record: ApplianceRecord | undefined): PreviousPorts {
  const out: PreviousPorts = { services: {} };
  if (!record) return out;
  for (const service of record.services ?? []) {
    if (service.kind !== 'service') continue;
    const grpc = portOf(service.addresses?.grpc);
    const http = portOf(service.addresses?.http);
    out.services[service.name] = { ...(grpc ? { grpc } : {}), ...(http ? { http } : {}) };
  }
  // only infra this appliance ran itself: an external broker's port is not ours to take
  if (record.infra?.kind === 'embedded') {
    for (const component of record.infra.components ?? []) {
      const port = portOf(component.address);
      if (port && (component.name === 'kafka' || component.name === 'redis')) out[component.name] = port;
    }
  }
  if (record.admin?.port) out.admin = record.admin.port;
  return out;
}

function portOf(address: string | undefined): number | undefined {
  const port = address ? hostPort(address)?.port : undefined;
  return port && port > 0 && port < 65536 ? port : undefined;
}
