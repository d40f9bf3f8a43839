// Test helper: a chat user as a real client would be, over the gateway's HTTP API and WebSocket (lib/chat-client).
import {
  gatewayCall,
  openChatSocket,
  type AckFrame,
  type ChatSocket,
  type ClientFrame,
  type MessageFrame,
  type ServerFrame,
} from '../../lib/chat-client';
import { Wakeups } from './wakeups';

export class ChatClient {
  readonly frames: ServerFrame[] = [];
  private readonly arrivals = new Wakeups();
  private closed = false;
  private readonly socket: ChatSocket;

  private constructor(
    readonly userId: string,
    url: string,
  ) {
    this.socket = openChatSocket({
      url,
      helloTimeoutMs: 30_000,
      name: userId,
      onFrame: (frame) => {
        this.frames.push(frame);
        this.arrivals.notify();
      },
      onClose: () => {
        this.closed = true;
        this.arrivals.notify();
      },
    });
  }

  static async login(gatewayUrl: string, username: string, password: string): Promise<ChatClient> {
    const body = await gatewayCall<{ token: string; user: { userId: string } }>(gatewayUrl, 'POST', '/api/login', {
      body: { username, password },
    }).catch((error: Error) => {
      throw new Error(`login as ${username} failed: ${error.message}`);
    });
    const url = `${gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(body.token)}`;
    const client = new ChatClient(body.user.userId, url);
    await client.socket.ready;
    return client;
  }

  send(frame: ClientFrame): void {
    this.socket.send(frame);
  }

  /** Resolves with the ack of a send, rejects with the error frame's code, within timeoutMs. */
  sendAndAck(frame: ClientFrame & { type: 'send' }, timeoutMs = 30_000): Promise<AckFrame> {
    return this.socket.sendAndAck(frame, { timeoutMs });
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
    void this.socket.close();
  }
}

/** Sends a p2p message and returns once the sender has its ack and the recipient has the message. */
export async function exchangeMessage(
  from: ChatClient,
  to: ChatClient,
  body: string,
): Promise<{ ack: AckFrame; delivered: MessageFrame }> {
  const clientMsgId = `t-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const ack = await from.sendAndAck({ type: 'send', id: clientMsgId, clientMsgId, to: { userId: to.userId }, body });
  const delivered = (await to.waitFor(
    (frame) => frame.type === 'message' && frame.message.clientMsgId === clientMsgId,
    `message ${clientMsgId}`,
  )) as MessageFrame;
  return { ack, delivered };
}
