// A small embedded RESP2 server: the subset of Redis that im-repo uses, in-process, for machines without
// redis-server. Data lives in memory only.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ServerState } from './commands/command';
import { Keyspace } from './keyspace';
import { reply, RespRequestParser } from './resp-protocol';
import { PubSubHub } from './pubsub';
import { ClientSession } from './session';

export interface RespServerOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Told about handler bugs and socket errors; defaults to ignoring them. */
  onWarning?: (message: string, err?: unknown) => void;
}

export interface RespServer {
  /** redis://host:port, ready for ioredis or REDIS_URL. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE_COUNT = 16;
const MAX_CLIENTS = 10_000;
/** A client that stops reading while replies pile up is cut off, as Redis's output buffer limit does. */
const MAX_PENDING_REPLY_BYTES = 256 * 1024 * 1024;
const EXPIRY_SWEEP_INTERVAL_MS = 100;
const EXPIRY_SWEEP_BUDGET = 500;

/**
 * A browser can be made to POST to any local port, and the request's lines then arrive as inline commands (the
 * body can hold SET or FLUSHDB). No RESP client sends POST or "Host:" as a command, so, like redis-server, the
 * server treats either as an attack and drops the connection.
 */
function isCrossProtocolAttack(argv: readonly string[]): boolean {
  const name = (argv[0] ?? '').toLowerCase();
  return name === 'post' || name === 'host:';
}

export async function startRespServer(options: RespServerOptions = {}): Promise<RespServer> {
  const host = options.host ?? '127.0.0.1';
  const warn = options.onWarning ?? (() => undefined);
  const databases = Array.from({ length: DATABASE_COUNT }, () => new Keyspace());
  const sockets = new Set<Socket>();
  let nextClientId = 1;
  let boundPort = 0;

  const state: ServerState = {
    startedAtMs: Date.now(),
    port: () => boundPort,
    connectedClients: () => sockets.size,
    database: (index) => databases[index],
    databaseCount: DATABASE_COUNT,
    pubsub: new PubSubHub(),
  };

  const server = createServer((socket) => {
    if (sockets.size >= MAX_CLIENTS) {
      socket.end(reply.error('ERR max number of clients reached'), 'latin1');
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const session = new ClientSession(
      nextClientId++,
      state,
      (err, argv) => warn(`resp-server: command ${argv[0] ?? ''} failed unexpectedly`, err),
      (encoded) => {
        if (!socket.destroyed) socket.write(encoded, 'latin1');
      },
    );
    const parser = new RespRequestParser();
    let closing = false;

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      const { commands, protocolError } = parser.push(chunk);
      const out: string[] = [];
      for (const argv of commands) {
        if (isCrossProtocolAttack(argv)) {
          // As redis-server: nothing more is executed or answered, not even earlier replies of this packet.
          warn(`resp-server: client ${session.id} sent ${argv[0]} as a command (HTTP sent to the RESP port?); closed`);
          closing = true;
          socket.end();
          return;
        }
        const result = session.execute(argv);
        out.push(result.encoded);
        if (result.close) {
          closing = true;
          break;
        }
      }
      if (!closing && protocolError) {
        out.push(reply.error(`ERR Protocol error: ${protocolError.message}`));
        closing = true;
      }
      if (closing) {
        socket.end(out.join(''), 'latin1');
        return;
      }
      if (out.length > 0) socket.write(out.join(''), 'latin1');
      if (socket.writableLength > MAX_PENDING_REPLY_BYTES) {
        warn(`resp-server: client ${session.id} is not reading its replies; disconnecting it`);
        socket.destroy();
      }
    });
    socket.on('error', (err) => warn(`resp-server: client ${session.id} connection error`, err));
    socket.on('close', () => {
      sockets.delete(socket);
      session.unsubscribeAll();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => warn('resp-server: listener error', err));
  boundPort = (server.address() as AddressInfo).port;
  const sweepTimer = setInterval(() => {
    for (const db of databases) db.sweepExpired(EXPIRY_SWEEP_BUDGET);
  }, EXPIRY_SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `redis://${urlHost}:${boundPort}`,
    port: boundPort,
    stop: async () => {
      clearInterval(sweepTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
