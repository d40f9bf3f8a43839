// TCP side: splits the byte stream into size-prefixed frames, decodes request headers, runs handlers
// concurrently but writes responses strictly in request order (clients match them by order as well as id).
// A malformed, truncated, oversized or unsupported request closes only that connection, with a logged reason.
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerCore } from './core';
import { dispatchRequest } from './protocol/dispatch';
import { isSupported, ApiKey } from './protocol/api-versions';
import type { RequestContext } from './protocol/context';
import { MalformedRequestError, Reader } from './protocol/reader';
import { Writer } from './protocol/writer';

export const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const UNREAD_RESPONSE_BYTES = 64 * 1024 * 1024;

interface Slot {
  ready: boolean;
  frame: Buffer | null;
}

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly slots: Slot[] = [];
  private closed = false;
  private readonly aborter = new AbortController();
  readonly name: string;

  constructor(
    private readonly socket: Socket,
    private readonly core: BrokerCore,
  ) {
    this.name = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close(null));
    socket.on('close', () => {
      this.closed = true;
      this.aborter.abort();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > MAX_REQUEST_BYTES) {
        this.close(`request size ${size} is outside 0..${MAX_REQUEST_BYTES} bytes`);
        return;
      }
      if (this.buffered < 4 + size) return;
      const all = this.take(4 + size);
      this.onFrame(all.subarray(4));
      if (this.closed) return;
    }
  }

  private peek(n: number): Buffer {
    if ((this.chunks[0]?.length ?? 0) >= n) return this.chunks[0] as Buffer;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    const joined = this.peek(n);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return out;
  }

  private onFrame(frame: Buffer): void {
    let ctx: RequestContext;
    const r = new Reader(frame);
    try {
      ctx = {
        apiKey: r.int16(),
        apiVersion: r.int16(),
        correlationId: r.int32(),
        clientId: '',
        clientHost: this.socket.remoteAddress ?? '',
        closed: this.aborter.signal,
      };
      ctx.clientId = r.nullableString() ?? '';
      if (ctx.apiKey === ApiKey.ApiVersions && ctx.apiVersion === 3) r.skipTaggedFields();
    } catch (err) {
      this.close(`unreadable request header: ${(err as Error).message}`);
      return;
    }
    if (ctx.apiKey !== ApiKey.ApiVersions && !isSupported(ctx.apiKey, ctx.apiVersion)) {
      this.close(
        `api key ${ctx.apiKey} version ${ctx.apiVersion} is not supported (client ${JSON.stringify(ctx.clientId)})`,
      );
      return;
    }
    const slot: Slot = { ready: false, frame: null };
    this.slots.push(slot);
    const context = ctx;
    Promise.resolve()
      .then(() => dispatchRequest(r, context, this.core))
      .then(
        (body) => {
          slot.frame = body ? frameResponse(context.correlationId, body) : null;
          slot.ready = true;
          this.flush();
        },
        (err: unknown) => {
          const why =
            err instanceof MalformedRequestError
              ? err.message
              : `handler failed: ${(err as Error)?.stack ?? String(err)}`;
          this.close(
            `api key ${context.apiKey} v${context.apiVersion} from ${JSON.stringify(context.clientId)}: ${why}`,
          );
        },
      );
  }

  private flush(): void {
    while (this.slots.length > 0 && (this.slots[0] as Slot).ready) {
      const slot = this.slots.shift() as Slot;
      if (slot.frame && !this.closed) this.socket.write(slot.frame);
    }
    // a client that sends but does not read its responses stops being read until it catches up
    if (this.socket.writableLength > UNREAD_RESPONSE_BYTES && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  close(reason: string | null): void {
    if (reason !== null && !this.closed) this.core.logger.warn(`closing connection ${this.name}: ${reason}`);
    this.closed = true;
    this.socket.destroy();
  }
}

function frameResponse(correlationId: number, body: Writer): Buffer {
  const b = body.toBuffer();
  const head = Buffer.allocUnsafe(8);
  head.writeInt32BE(b.length + 4, 0);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, b]);
}

export class KafkaServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  constructor(private readonly core: BrokerCore) {
    this.server = createServer((socket) => {
      const conn = new Connection(socket, this.core);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // e.g. EMFILE while accepting: log it, keep serving the connections already open
        this.server.on('error', (err) => this.core.logger.error(`listener error: ${err.message}`));
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  close(): Promise<void> {
    for (const c of this.connections) c.close(null);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
