// gochat status: reads appliance.json and asks each service's gRPC health endpoint how it is.
import { checkHealth, ServingStatus } from '../../lib/grpc/health';
import { dataDirLayout, lockHolder, readApplianceRecord } from '../supervisor/data-dir';
import type { ServiceStatus } from '../supervisor/status';

async function liveHealth(service: ServiceStatus): Promise<string> {
  const grpc = service.addresses.grpc;
  if (service.kind !== 'service' || !grpc) return service.state;
  try {
    const status = await checkHealth(grpc, '', 1500);
    return ServingStatus[status] ?? String(status);
  } catch (err) {
    return `unreachable (${(err as Error).message.split('\n')[0] ?? ''})`;
  }
}

export async function runStatus(opts: { dataDir: string; json?: boolean }): Promise<number> {
  const layout = dataDirLayout(opts.dataDir);
  const record = readApplianceRecord(layout);
  const pid = lockHolder(layout);
  if (pid === undefined || !record) {
    const last = record
      ? ` (last run started ${record.startedAt}${record.stoppedAt ? `, stopped ${record.stoppedAt}` : ''})`
      : '';
    if (opts.json) process.stdout.write(`${JSON.stringify({ running: false, record: record ?? null })}\n`);
    else process.stdout.write(`gochat is not running on ${layout.root}${last}\n`);
    return 1;
  }
  const health = await Promise.all(record.services.map(liveHealth));
  const allServing = record.services.every((service, i) => service.kind !== 'service' || health[i] === 'SERVING');
  if (opts.json) {
    const services = record.services.map((service, i) => ({ ...service, liveHealth: health[i] }));
    process.stdout.write(
      `${JSON.stringify({ running: true, healthy: allServing, record: { ...record, services } }, null, 2)}\n`,
    );
    return allServing ? 0 : 2;
  }
  const lines = [
    `gochat is running (supervisor pid ${pid}, since ${record.startedAt}, data dir ${record.dataDir})`,
    `console: ${record.consoleUrl ?? 'not served'}`,
    `infra: ${record.infra.kind} (${record.infra.reason})`,
    ...record.infra.components.map((c) => `  ${c.name.padEnd(8)} ${c.address}  ${c.description}`),
    'services:',
    ...record.services
      .filter((service) => service.kind === 'service')
      .map((service) => {
        const i = record.services.indexOf(service);
        const addresses = Object.entries(service.addresses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        const chaos = [
          service.paused ? 'paused' : '',
          service.consumerLatencyMs ? `consumer latency ${service.consumerLatencyMs} ms` : '',
        ].filter(Boolean);
        const chaosNote = chaos.length > 0 ? `  (chaos: ${chaos.join(', ')})` : '';
        return `  ${service.name.padEnd(8)} ${String(health[i]).padEnd(12)} pid ${String(service.pid ?? '-').padEnd(7)} restarts ${service.restarts}  ${addresses}${chaosNote}`;
      }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return allServing ? 0 : 2;
}
