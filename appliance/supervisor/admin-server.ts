// The minimal admin endpoint on 127.0.0.1:<admin-port>: GET /api/status. The full appliance API (appliance/api)
// replaces it when available.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApplianceRecord } from './data-dir';

export interface AdminServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(port: number, status: () => ApplianceRecord): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const target = req.url ?? '/';
    // new URL(target, base) throws on "//", and a throw here would be uncaught and end the supervisor.
    if (!target.startsWith('/')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `the request target must be an absolute path, got "${target}"` }));
      return;
    }
    const path = target.split('?', 1)[0]!;
    if (req.method === 'GET' && path === '/api/status') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status()));
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('GoChat appliance is running. Status: GET /api/status\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `no route ${req.method ?? '?'} ${path}` }));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the admin endpoint controls the appliance and has no other lock.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
