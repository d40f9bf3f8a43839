// ChatGateways over the real client protocol, lib/chat-client (what the other clients of the gateway use too).
import { gatewayRequest, openChatSocket, type ChatSocket } from '../../../lib/chat-client';
import type { ChatConnection, ChatGateways, ConnectionHandlers, LoggedInUser } from '../domain/ports';

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
    const response = await gatewayRequest(this.url(gatewayId), method, path, {
      token,
      body,
      timeoutMs: HTTP_TIMEOUT_MS,
    });
    const json = (response.json ?? null) as { error?: { code?: string; message?: string } } | null;
    if (!response.ok)
      throw new GatewayHttpError(
        `${gatewayId} ${method} ${path}: ${response.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? response.text}`.trim(),
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

  async connect(gatewayId: string, token: string, handlers: ConnectionHandlers): Promise<ChatConnection> {
    const socket = openChatSocket({
      url: `${this.url(gatewayId).replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`,
      name: gatewayId,
      helloTimeoutMs: HELLO_WITHIN_MS,
      onFrame: (frame) => handlers.onFrame(frame),
      onMalformed: ({ text }) => handlers.onFrame({ type: 'not-json', text }),
      onClose: ({ code, reason }) => {
        // A close before hello is the failure `ready` reports.
        if (socket.hello) handlers.onClose(code, reason);
      },
    });
    await socket.ready;
    return new WsConnection(socket);
  }
}

class WsConnection implements ChatConnection {
  constructor(private readonly socket: ChatSocket) {}

  send(frame: Record<string, unknown>): void {
    this.socket.sendText(JSON.stringify(frame));
  }

  /** Resolves once closed, cutting the socket if the gateway does not answer the close within 3 s. */
  async close(): Promise<void> {
    const timer = setTimeout(() => this.socket.terminate(), 3000);
    await this.socket.close(1000, 'scenario done');
    clearTimeout(timer);
  }
}
