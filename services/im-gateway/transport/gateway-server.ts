// The gateway's one client-facing HTTP server: the JSON API under /api and the WebSocket endpoint at /ws.
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConnectionLifecycle } from '../domain/connection-lifecycle';
import type { ConnectionRegistry } from '../domain/connection-registry';
import { NotFound, Unauthenticated } from '../../../lib/errors';
import { activeSpan, endFailed, SpanKind, startSpan, traceparentOf, withActiveSpan } from '../../../lib/telemetry';
import type { LogicApi } from '../domain/ports';
import { buildRoutes, dispatch } from './http-api';
import { bearerToken, requestUrl } from './http-request';
import { CloseCode, httpErrorBody } from './error-mapping';
import { WsConnection, type WsConnectionDeps } from './ws-connection';

/** ws closes a connection at once (1009) past this; frames between MAX_FRAME_BYTES and this get an error frame. */
const HARD_FRAME_LIMIT = 1024 * 1024;

export interface GatewayServerOptions extends WsConnectionDeps {
  host: string;
  port: number;
  gatewayId: string;
  logic: LogicApi;
  lifecycle: ConnectionLifecycle;
  registry: ConnectionRegistry;
  /** How often to ping clients; one missed pong and the connection is dropped. */
  pingIntervalMs: number;
  log: WsConnectionDeps['log'] & { info(obj: object, msg: string): void };
}

export class GatewayServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  private readonly routes;
  private pingTimer: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(private readonly o: GatewayServerOptions) {
    this.routes = buildRoutes({
      gatewayId: o.gatewayId,
      logic: o.logic,
      health: () => ({ status: this.accepting ? 'ok' : 'degraded', connections: o.registry.size }),
    });
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.http.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void this.onUpgrade(req, socket, head).catch((err: unknown) => {
          // Not expected (onUpgrade answers its own failures), but a socket must never be left unanswered.
          this.o.log.error({ err, url: req.url }, 'upgrade failed');
          socket.destroy();
        }),
    );
    this.http.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.o.port, this.o.host, () => {
        this.http.off('error', reject);
        this.http.on('error', (err) => this.o.log.error({ err }, 'HTTP server error'));
        resolve();
      });
    });
    this.pingTimer = setInterval(() => this.pingClients(), this.o.pingIntervalMs);
    this.pingTimer.unref();
    const addr = this.http.address() as AddressInfo;
    return `${this.o.host}:${addr.port}`;
  }

  /** Refuses new connections and requests; existing WebSockets stay until the lifecycle closes them. */
  stopAccepting(): void {
    this.accepting = false;
    clearInterval(this.pingTimer);
  }

  async close(): Promise<void> {
    this.stopAccepting();
    for (const ws of this.wss.clients) ws.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Keep-alive sockets would hold close() open; requests still running at this point are cut.
    this.http.closeAllConnections();
    await closed;
  }

  private pingClients(): void {
    for (const ws of this.wss.clients) {
      const conn = (ws as WebSocket & { gochat?: WsConnection }).gochat;
      if (!conn) continue;
      if (!conn.alive) {
        ws.terminate();
        continue;
      }
      conn.alive = false;
      ws.ping();
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, traceparent');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    let status: number;
    let body: unknown;
    const incoming = req.headers.traceparent;
    const path = (req.url ?? '').split('?')[0] ?? '';
    // The request's span: the client arrow of the flow, titled by the call that started it.
    const span = startSpan(`${req.method ?? 'GET'} ${path}`, {
      kind: SpanKind.SERVER,
      parent: typeof incoming === 'string' ? incoming : undefined,
      root: true,
      attributes: { 'http.request.method': req.method ?? '', 'url.path': path },
    });
    res.setHeader('traceparent', traceparentOf(span));
    try {
      if (!this.accepting) throw new Error('shutting down');
      const url = requestUrl(req.url);
      ({ status, body } = await withActiveSpan(span, () => dispatch(this.routes, this.o.logic, req, url)));
    } catch (err) {
      const mapped = this.accepting
        ? httpErrorBody(err)
        : {
            status: 503,
            body: { error: { code: 'UNAVAILABLE', message: 'gateway is shutting down' } },
            expected: true,
          };
      if (!mapped.expected) this.o.log.error({ err, method: req.method, url: req.url }, 'request failed');
      ({ status, body } = mapped);
    }
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) endFailed(span, new Error(`answered ${status}`));
    else span.end();
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private refuseUpgrade(socket: Duplex, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const incoming = req.headers.traceparent;
    // The connection's span: token check, presence, the user.online record and the hello all happen in it.
    const span = startSpan('ws connect', {
      kind: SpanKind.SERVER,
      parent: typeof incoming === 'string' ? incoming : undefined,
      root: true,
      attributes: { 'gochat.ws.direction': 'in', 'gochat.frame_type': 'connect' },
    });
    let user;
    try {
      // Everything that reads the request is inside the try: whatever it throws is answered, never left pending.
      const url = requestUrl(req.url);
      if (url.pathname !== '/ws') throw new NotFound('WebSocket endpoint is /ws');
      if (!this.accepting) {
        return this.refuseUpgrade(socket, 503, { error: { code: 'UNAVAILABLE', message: 'gateway is shutting down' } });
      }
      const token = bearerToken(req, url, true);
      if (!token) throw new Unauthenticated('a token is required ("Authorization: Bearer" header or ?token=)');
      user = await withActiveSpan(span, () => this.o.logic.verify(token));
      span.setAttribute('gochat.user_id', user.userId);
    } catch (err) {
      endFailed(span, err);
      const mapped = httpErrorBody(err);
      if (!mapped.expected) this.o.log.error({ err }, 'token verification failed');
      return this.refuseUpgrade(socket, mapped.status, mapped.body);
    }
    if (!this.accepting) {
      // Shutdown began while the token was being checked.
      endFailed(span, new Error('gateway is shutting down'));
      return this.refuseUpgrade(socket, 503, { error: { code: 'UNAVAILABLE', message: 'gateway is shutting down' } });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      withActiveSpan(span, () => this.onConnection(ws, user.userId, req, user.expiresAtMs)),
    );
  }

  private onConnection(
    ws: WebSocket,
    userId: string,
    req: IncomingMessage,
    tokenExpiresAtMs: number | undefined,
  ): void {
    const connId = `${this.o.gatewayId}.${randomBytes(6).toString('hex')}`;
    const conn = new WsConnection(ws, connId, userId, req.socket.remoteAddress ?? '', Date.now(), this.o);
    conn.closeWhenTokenExpires(tokenExpiresAtMs);
    (ws as WebSocket & { gochat?: WsConnection }).gochat = conn;
    const span = activeSpan();
    const ready = this.o.lifecycle.open(conn).then(() => {
      conn.greet({ type: 'hello', userId, connId, gatewayId: this.o.gatewayId });
      span?.end();
      this.o.log.info({ userId, connId, remoteAddress: conn.remoteAddress }, 'client connected');
    });
    ready.catch((err: unknown) => {
      if (span) endFailed(span, err);
      this.o.log.warn({ err, userId, connId }, 'connection refused: presence could not be recorded');
      ws.close(CloseCode.tryAgainLater, 'presence unavailable, retry later');
    });
    ws.on('message', (data, isBinary) => conn.receive(data, isBinary, ready));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (err) => this.o.log.warn({ err, connId }, 'websocket error'));
    ws.on('close', (code) => {
      conn.closed();
      this.o.log.info({ userId, connId, code }, 'client disconnected');
      void this.o.lifecycle.close(connId, 'closed');
    });
  }
}
