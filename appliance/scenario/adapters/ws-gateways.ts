// ChatGateways over the real client protocol: HTTP with fetch, /ws with the ws package (what any client uses).
import WebSocket from 'ws';
import type { ChatConnection, ChatGateways, ConnectionHandlers, LoggedInUser, ServerFrame } from '../domain/ports';

/** Generous: a hundred connections at once on a loaded machine take their time to be recorded in presence. */
const HELLO_WITHIN_MS = 30_000;
const HTTP_TIMEOUT_MS = 15_000;

export class GatewayHttpError extends Error {
  override name = 'GatewayHttpError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export class WsGateways implements ChatGateways {
  /** gatewayId -> http://host:port */
  constructor(private readonly urls: Map<string, string>) {}

  gatewayIds(): string[] {
    return [...this.urls.keys()];
  }

  private url(gatewayId: string): string {
    const url = this.urls.get(gatewayId);
    if (!url) throw new Error(`no gateway ${gatewayId}; this appliance has ${this.gatewayIds().join(', ')}`);
    return url;
  }

  async call<T>(gatewayId: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url(gatewayId)}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : null) as { error?: { code?: string; message?: string } } | null;
    if (!response.ok)
      throw new GatewayHttpError(
        `${gatewayId} ${method} ${path}: ${response.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? text}`.trim(),
        response.status,
        json?.error?.code ?? String(response.status),
      );
    return json as T;
  }

  async login(gatewayId: string, username: string, password: string): Promise<LoggedInUser> {
    const result = await this.call<{ user: { userId: string; username: string }; token: string }>(
      gatewayId,
      '',
      'POST',
      '/api/login',
      { username, password },
    );
    return { userId: result.user.userId, username: result.user.username, token: result.token };
  }

  connect(gatewayId: string, token: string, handlers: ConnectionHandlers): Promise<ChatConnection> {
    const url = `${this.url(gatewayId).replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      let helloSeen = false;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no hello from ${gatewayId} within ${HELLO_WITHIN_MS} ms`));
      }, HELLO_WITHIN_MS);
      socket.on('message', (data) => {
        let frame: ServerFrame;
        try {
          frame = JSON.parse(String(data)) as ServerFrame;
        } catch {
          frame = { type: 'not-json', text: String(data).slice(0, 200) };
        }
        handlers.onFrame(frame);
        if (frame.type === 'hello' && !helloSeen) {
          helloSeen = true;
          clearTimeout(timer);
          resolve(new WsConnection(socket));
        }
      });
      socket.on('error', (error) => {
        if (helloSeen) return;
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', (code, reason) => {
        clearTimeout(timer);
        if (!helloSeen) reject(new Error(`${gatewayId} closed the connection (${code}) before hello`));
        else handlers.onClose(code, String(reason));
      });
    });
  }
}

class WsConnection implements ChatConnection {
  constructor(private readonly socket: WebSocket) {}

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 3000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000, 'scenario done');
    });
  }
}
