// Free TCP ports on loopback, found by binding port 0. Several are held open together so they are distinct.
import { createServer, type AddressInfo, type Server } from 'node:net';

function listenOnFreePort(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => resolve(probe));
  });
}

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const probes: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) probes.push(await listenOnFreePort(host));
    return probes.map((probe) => (probe.address() as AddressInfo).port);
  } finally {
    await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port as number;
}

/**
 * The preferred ports where they are still free (a restart keeps its addresses), a free port for every other slot.
 * Slots without a preference (undefined or 0) always get a fresh free port; no port is handed out twice.
 */
export async function preferredOrFreePorts(preferred: (number | undefined)[], host = '127.0.0.1'): Promise<number[]> {
  const probes: Server[] = [];
  const chosen: (number | undefined)[] = [];
  try {
    for (const port of preferred) {
      const taken = port !== undefined && chosen.includes(port);
      const probe = port && !taken ? await listenOn(host, port).catch(() => undefined) : undefined;
      if (probe) probes.push(probe);
      chosen.push(probe ? port : undefined);
    }
    for (let i = 0; i < chosen.length; i += 1) {
      if (chosen[i] !== undefined) continue;
      const probe = await listenOnFreePort(host);
      probes.push(probe);
      chosen[i] = (probe.address() as AddressInfo).port;
    }
    return chosen as number[];
  } finally {
    await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  }
}

function listenOn(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => resolve(probe));
  });
}
