// Live health of the infrastructure the services stand on. Kafka is probed with a Kafka ApiVersions request and
// Redis with PING, both over a fresh TCP connection, so the Overview shows "not serving" the moment a broker or
// redis-server stops answering, not only when a service starts failing.
import { createConnection } from 'node:net';
import type { InfraComponent } from '../../infra/providers/infra';
import type { ServiceHealth } from './status';

const PROBE_TIMEOUT_MS = 2000;

// ApiVersions v0 with correlation id 1 and client id "gochat-probe": the smallest request every Kafka answers.
const KAFKA_PROBE = (() => {
  const clientId = Buffer.from('gochat-probe');
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(18, 0); // api key: ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(1, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
})();

/** host and port of a "host:port[,...]" list (its first entry) or a redis:// URL. */
export function hostPort(address: string): { host: string; port: number } | null {
  const match = /^(?:redis:\/\/)?(?:[^@/]*@)?\[?([^\]/]+?)\]?:(\d+)/.exec(address.split(',')[0] ?? '');
  return match?.[1] && match[2] ? { host: match[1], port: Number(match[2]) } : null;
}

/** Sends one request and says whether an answer that looks right came back in time. */
function ask(address: string, request: Buffer, looksRight: (reply: Buffer) => boolean): Promise<boolean> {
  const target = hostPort(address);
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection(target);
    let reply = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (looksRight(reply)) done(true);
    });
    socket.once('end', () => done(looksRight(reply)));
  });
}

export function probeInfra(component: Pick<InfraComponent, 'name' | 'address'>): Promise<boolean> {
  if (component.name === 'redis') {
    return ask(component.address, Buffer.from('PING\r\n'), (reply) => reply.toString('latin1').startsWith('+PONG'));
  }
  // A Kafka response starts with its size and our correlation id.
  return ask(component.address, KAFKA_PROBE, (reply) => reply.length >= 8 && reply.readInt32BE(4) === 1);
}

/** Probes every component on an interval and reports each change of health. */
export class InfraHealth {
  private readonly health = new Map<string, ServiceHealth>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly components: () => readonly InfraComponent[],
    private readonly onChange: (name: string) => void,
    private readonly intervalMs = 3000,
  ) {}

  of(name: string): ServiceHealth {
    return this.health.get(name) ?? 'unknown';
  }

  start(): void {
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async probeAll(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(
        this.components().map(async (component) => {
          const next: ServiceHealth = (await probeInfra(component)) ? 'serving' : 'not_serving';
          if (this.health.get(component.name) === next) return;
          this.health.set(component.name, next);
          this.onChange(component.name);
        }),
      );
    } finally {
      this.probing = false;
    }
  }
}
