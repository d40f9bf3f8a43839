// Test helper: a chat user as a real client would be, over the gateway's HTTP API and WebSocket.
import WebSocket from 'ws';
import { Wakeups } from './wakeups';

export interface ServerFrame {
  type: string;
  [field: string]: unknown;
}

export class ChatClient {
  readonly frames: ServerFrame[] = [];
  private readonly arrivals = new Wakeups();
  private closed = false;

  private constructor(
    readonly userId: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      this.arrivals.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.arrivals.notify();
    });
  }

  static async login(gatewayUrl: string, username: string, password: string): Promise<ChatClient> {
    const res = await fetch(`${gatewayUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { token?: string; user?: { userId?: string } };
    if (res.status !== 200 || !body.token || !body.user?.userId) {
      throw new Error(`login as ${username} failed: HTTP ${res.status} ${JSON.stringify(body)}`);
    }
    const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(body.token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new ChatClient(body.user.userId, socket);
    await client.waitFor((frame) => frame.type === 'hello', 'hello');
    return client;
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  async waitFor(match: (frame: ServerFrame) => boolean, what: string, timeoutMs = 30_000): Promise<ServerFrame> {
    return this.arrivals.until(() => this.frames.find(match), {
      timeoutMs,
      hopeless: () => (this.closed ? `connection of ${this.userId} closed while waiting for ${what}` : undefined),
      timeoutMessage: () =>
        `${this.userId} got no ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames)}`,
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Sends a p2p message and returns once the sender has its ack and the recipient has the message. */
export async function exchangeMessage(
  from: ChatClient,
  to: ChatClient,
  body: string,
): Promise<{ ack: ServerFrame; delivered: ServerFrame }> {
  const clientMsgId = `t-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  from.send({ type: 'send', id: clientMsgId, clientMsgId, to: { userId: to.userId }, body });
  const ack = await from.waitFor(
    (frame) => (frame.type === 'ack' || frame.type === 'error') && frame.clientMsgId === clientMsgId,
    `ack of ${clientMsgId}`,
  );
  if (ack.type === 'error') throw new Error(`send failed: ${JSON.stringify(ack)}`);
  const delivered = await to.waitFor(
    (frame) =>
      frame.type === 'message' && (frame.message as { clientMsgId?: string } | undefined)?.clientMsgId === clientMsgId,
    `message ${clientMsgId}`,
  );
  return { ack, delivered };
}
