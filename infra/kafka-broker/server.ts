// TCP side: splits the byte stream into size-prefixed frames, decodes request headers, runs handlers
// concurrently but writes responses strictly in request order (clients match them by order as well as id).
// A malformed, truncated, oversized or unsupported request closes only that connection, with a logged reason,
// and only after the replies to every request before it on that connection have been written (kafka-python
// pipelines its version probe and would otherwise lose the ApiVersions answer).
// Request bytes are reserved from one broker-wide pool when a frame's size is known, as Kafka's
// queued.max.request.bytes does: a connection whose frame does not fit stops being read until others finish.
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerCore } from './core';
import { dispatchRequest } from './protocol/dispatch';
import { isSupported, ApiKey } from './protocol/api-versions';
import type { RequestContext } from './protocol/context';
import { MalformedRequestError, Reader } from './codec/reader';
import { Writer } from './codec/writer';
import { RequestMemoryPool } from './request-pool';

export const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
/** Default broker-wide limit on request bytes being received or handled at once. */
export const MAX_BUFFERED_REQUEST_BYTES = 256 * 1024 * 1024;
const UNREAD_RESPONSE_BYTES = 64 * 1024 * 1024;
const PARTIAL_FRAME_IDLE_MS = 60_000;

interface Slot {
  ready: boolean;
  /** The response: its size and correlation id, then its body (written together, not copied into one buffer). */
  frame: [Buffer, Buffer] | null;
  /** Set on the slot of a request that ends the connection once everything before it is written. */
  closeReason?: string;
}

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly slots: Slot[] = [];
  private closed = false;
  /** A bad request was seen: read nothing more, close once the replies before it are out. */
  private closing = false;
  /** Pool bytes held for the frame being received (its size is known, its bytes are not all here yet). */
  private frameReservation = 0;
  private waitingForPool = false;
  private readonly aborter = new AbortController();
  readonly name: string;

  constructor(
    private readonly socket: Socket,
    private readonly core: BrokerCore,
    private readonly pool: RequestMemoryPool,
  ) {
    this.name = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    // a client that announces a large frame and stops sending would hold its pool reservation for good
    socket.setTimeout(PARTIAL_FRAME_IDLE_MS, () => {
      if (this.frameReservation > 0) {
        this.close(`no bytes for ${PARTIAL_FRAME_IDLE_MS} ms in the middle of a ${this.frameReservation}-byte request`);
      }
    });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close(null));
    socket.on('close', () => {
      this.closed = true;
      this.releaseFrameReservation();
      this.aborter.abort();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.closing) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.readFrames();
  }

  private readFrames(): void {
    while (this.buffered >= 4 && !this.closed && !this.closing) {
      const size = this.peek(4).readInt32BE(0);
      if (size < 0 || size > MAX_REQUEST_BYTES) {
        this.closeAfterPending(`request size ${size} is outside 0..${MAX_REQUEST_BYTES} bytes`);
        return;
      }
      if (this.frameReservation === 0) {
        if (!this.pool.tryReserve(4 + size)) {
          this.waitForPool();
          return;
        }
        this.frameReservation = 4 + size;
      }
      if (this.buffered < 4 + size) return;
      const reserved = this.frameReservation;
      this.frameReservation = 0;
      this.onFrame(this.take(4 + size).subarray(4), reserved);
    }
  }

  /** Stops reading until the pool has room; the bytes already buffered stay where they are. */
  private waitForPool(): void {
    if (this.waitingForPool) return;
    this.waitingForPool = true;
    this.socket.pause();
    this.pool.wait(() => {
      this.waitingForPool = false;
      if (this.closed) return;
      this.socket.resume();
      this.readFrames();
    });
  }

  private releaseFrameReservation(): void {
    if (this.frameReservation > 0) this.pool.release(this.frameReservation);
    this.frameReservation = 0;
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

  private onFrame(frame: Buffer, reserved: number): void {
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
      this.pool.release(reserved);
      this.closeAfterPending(`unreadable request header: ${(err as Error).message}`);
      return;
    }
    if (ctx.apiKey !== ApiKey.ApiVersions && !isSupported(ctx.apiKey, ctx.apiVersion)) {
      this.pool.release(reserved);
      this.closeAfterPending(
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
        },
        (err: unknown) => {
          const why =
            err instanceof MalformedRequestError
              ? err.message
              : `handler failed: ${(err as Error)?.stack ?? String(err)}`;
          slot.closeReason = `api key ${context.apiKey} v${context.apiVersion} from ${JSON.stringify(context.clientId)}: ${why}`;
          this.stopReading();
        },
      )
      .finally(() => {
        this.pool.release(reserved);
        slot.ready = true;
        this.flush();
      });
  }

  /** Queues the close behind the requests already being handled, and reads nothing more. */
  private closeAfterPending(reason: string): void {
    this.slots.push({ ready: true, frame: null, closeReason: reason });
    this.stopReading();
    this.flush();
  }

  private stopReading(): void {
    this.closing = true;
    this.chunks = [];
    this.buffered = 0;
    this.releaseFrameReservation();
  }

  private flush(): void {
    // corked: the heads and bodies of the responses ready now leave in one writev
    this.socket.cork();
    try {
      while (this.slots.length > 0 && (this.slots[0] as Slot).ready) {
        const slot = this.slots.shift() as Slot;
        if (slot.frame && !this.closed) for (const part of slot.frame) this.socket.write(part);
        if (slot.closeReason !== undefined) {
          this.slots.length = 0; // answers to requests after the bad one are not sent, as in Kafka
          this.end(slot.closeReason);
          return;
        }
      }
    } finally {
      this.socket.uncork();
    }
    // a client that sends but does not read its responses stops being read until it catches up
    if (this.socket.writableLength > UNREAD_RESPONSE_BYTES && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => {
        if (!this.waitingForPool) this.socket.resume();
      });
    }
  }

  /** Closes after the bytes already written have gone out. */
  private end(reason: string): void {
    if (this.closed) return;
    this.core.logger.warn(`closing connection ${this.name}: ${reason}`);
    this.closed = true;
    this.aborter.abort();
    this.socket.end();
    // a peer that never reads must not keep the socket (and its unsent replies) forever
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  close(reason: string | null): void {
    if (reason !== null && !this.closed) this.core.logger.warn(`closing connection ${this.name}: ${reason}`);
    this.closed = true;
    this.releaseFrameReservation();
    this.socket.destroy();
  }
}

function frameResponse(correlationId: number, body: Writer): [Buffer, Buffer] {
  const b = body.toBuffer();
  const head = Buffer.allocUnsafe(8);
  head.writeInt32BE(b.length + 4, 0);
  head.writeInt32BE(correlationId, 4);
  return [head, b];
}

export class KafkaServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  readonly pool: RequestMemoryPool;

  constructor(
    private readonly core: BrokerCore,
    maxBufferedRequestBytes = MAX_BUFFERED_REQUEST_BYTES,
  ) {
    this.pool = new RequestMemoryPool(maxBufferedRequestBytes);
    this.server = createServer((socket) => {
      const conn = new Connection(socket, this.core, this.pool);
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
