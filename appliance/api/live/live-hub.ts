// /api/live: one WebSocket per open console. The server pushes changes as they happen (service status, log lines,
// appended records, presence changes, flow spans, simulated-client updates); the console never polls whole state.
// Log lines and records are sent only for what a console subscribed to. A console that cannot keep up is not
// allowed to grow the server's memory: its records are dropped and it is told so with a "gap" message carrying
// the offsets it missed, which it fetches over HTTP.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { presentedToken, tokenMatches } from '../http/auth';
import { messageOf } from '../http/errors';
import { requestUrl } from '../http/request-url';
import type { RecordSummary } from '../topics/record-decoder';

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const RECORD_FLUSH_MS = 100;

export type LiveMessage = { type: string } & Record<string, unknown>;

interface Subscriber {
  socket: WebSocket;
  /** Services whose log lines it wants ("*" = all). */
  logs: Set<string>;
  /** Topics whose records it wants ("*" = all). */
  records: Set<string>;
  /** Per "topic/partition": the first offset dropped while the socket was congested. */
  missedFrom: Map<string, { topic: string; partition: number; fromOffset: number; toOffset: number }>;
}

export class LiveHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly subscribers = new Set<Subscriber>();
  private pendingRecords: RecordSummary[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly token: string,
    /** What a console gets first on connecting: the current state it will then receive changes to. */
    private readonly greeting: () => LiveMessage,
  ) {}

  /**
   * Handles an HTTP upgrade; answers (and closes) every upgrade that is not a valid /api/live request, so no
   * socket is left open unanswered.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = requestUrl(request.url);
    } catch (error) {
      refuseUpgrade(socket, 400, messageOf(error));
      return;
    }
    if (url.pathname !== '/api/live') {
      refuseUpgrade(socket, 404, `no WebSocket endpoint ${url.pathname}; the live endpoint is /api/live`);
      return;
    }
    if (!tokenMatches(this.token, presentedToken(request, url))) {
      refuseUpgrade(socket, 401, 'missing or wrong console token');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  private accept(socket: WebSocket): void {
    const subscriber: Subscriber = { socket, logs: new Set(), records: new Set(), missedFrom: new Map() };
    this.subscribers.add(subscriber);
    socket.on('close', () => this.subscribers.delete(subscriber));
    socket.on('error', () => this.subscribers.delete(subscriber));
    socket.on('message', (data) => this.onClientMessage(subscriber, String(data)));
    this.send(subscriber, this.greeting());
  }

  private onClientMessage(subscriber: Subscriber, data: string): void {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      this.send(subscriber, { type: 'error', error: 'live messages must be JSON' });
      return;
    }
    const m = message as { type?: unknown; logs?: unknown; records?: unknown };
    if (m.type !== 'subscribe') {
      this.send(subscriber, {
        type: 'error',
        error: `unknown live message type ${String(m.type)}; expected "subscribe"`,
      });
      return;
    }
    if (Array.isArray(m.logs)) subscriber.logs = new Set(m.logs.filter((x): x is string => typeof x === 'string'));
    if (Array.isArray(m.records))
      subscriber.records = new Set(m.records.filter((x): x is string => typeof x === 'string'));
    this.send(subscriber, { type: 'subscribed', logs: [...subscriber.logs], records: [...subscriber.records] });
  }

  /** A change every console receives. */
  broadcast(message: LiveMessage): void {
    for (const subscriber of this.subscribers) this.send(subscriber, message);
  }

  publishLog(service: string, message: LiveMessage): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.logs.has('*') || subscriber.logs.has(service)) this.send(subscriber, message);
    }
  }

  publishRecords(records: RecordSummary[]): void {
    if (this.subscribers.size === 0) return;
    this.pendingRecords.push(...records);
    this.flushTimer ??= setTimeout(() => this.flushRecords(), RECORD_FLUSH_MS);
  }

  private flushRecords(): void {
    this.flushTimer = null;
    const batch = this.pendingRecords;
    this.pendingRecords = [];
    for (const subscriber of this.subscribers) {
      const wanted = subscriber.records.has('*') ? batch : batch.filter((r) => subscriber.records.has(r.topic));
      if (wanted.length === 0) continue;
      if (subscriber.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        for (const record of wanted) {
          const id = `${record.topic}/${record.partition}`;
          const missed = subscriber.missedFrom.get(id);
          if (missed) missed.toOffset = record.offset;
          else
            subscriber.missedFrom.set(id, {
              topic: record.topic,
              partition: record.partition,
              fromOffset: record.offset,
              toOffset: record.offset,
            });
        }
        continue;
      }
      if (subscriber.missedFrom.size > 0) {
        this.send(subscriber, { type: 'gap', ranges: [...subscriber.missedFrom.values()] });
        subscriber.missedFrom.clear();
      }
      this.send(subscriber, { type: 'records', records: wanted });
    }
  }

  private send(subscriber: Subscriber, message: LiveMessage): void {
    if (subscriber.socket.readyState !== subscriber.socket.OPEN) return;
    subscriber.socket.send(JSON.stringify(message));
  }

  get connectionCount(): number {
    return this.subscribers.size;
  }

  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const subscriber of this.subscribers) subscriber.socket.terminate();
    this.subscribers.clear();
    this.server.close();
  }
}

function refuseUpgrade(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
