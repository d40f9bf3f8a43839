// A small real client of the gateway, on the shared protocol core (lib/chat-client), with bounded waits on frames.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { gatewayRequest, newClientMsgId, openChatSocket, type ChatSocket, type Recipient } from '../../lib/chat-client';

export type Frame = Record<string, any>;

export interface ApiResponse {
  status: number;
  body: any;
}

/** Any status is an answer; the body is parsed JSON, or the text when it is not JSON. */
export async function api(
  httpAddress: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiResponse> {
  const res = await gatewayRequest(`http://${httpAddress}`, method, path, options);
  return { status: res.status, body: res.json === undefined ? res.text : res.json };
}

function expectStatus(res: ApiResponse, ok: number[], what: string): any {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A registered, logged-in user and what it can do over HTTP. */
export class TestUser {
  private constructor(
    readonly userId: string,
    readonly username: string,
    readonly token: string,
    public httpAddress: string,
  ) {}

  static async register(httpAddress: string, prefix: string): Promise<TestUser> {
    const username = `${prefix}_${randomUUID().slice(0, 8)}`.toLowerCase();
    const password = 'correct horse battery';
    expectStatus(
      await api(httpAddress, 'POST', '/api/register', { body: { username, password, displayName: prefix } }),
      [201],
      `register ${username}`,
    );
    const login = expectStatus(
      await api(httpAddress, 'POST', '/api/login', { body: { username, password } }),
      [200],
      `login ${username}`,
    );
    return new TestUser(login.user.userId, username, login.token, httpAddress);
  }

  call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    return api(this.httpAddress, method, path, { token: this.token, ...(body !== undefined ? { body } : {}) });
  }

  /** Friendship needs consent: this user asks, and the other accepts (unless they were friends already). */
  async befriend(other: TestUser): Promise<void> {
    const asked = await this.call('POST', '/api/friends', { userId: other.userId });
    expectStatus(asked, [200, 201, 202], 'ask for friendship');
    if (asked.status !== 202) return;
    const answer = await other.call('POST', `/api/friends/requests/${this.userId}`, { accept: true });
    expectStatus(answer, [200], 'accept the friend request');
  }

  async createGroup(name: string, members: TestUser[]): Promise<string> {
    const body = expectStatus(
      await this.call('POST', '/api/groups', { name, memberIds: members.map((m) => m.userId) }),
      [201],
      'create group',
    );
    return body.group.groupId as string;
  }

  /** Opens a WebSocket (on another gateway when given) and resolves after the hello frame. */
  async connect(httpAddress = this.httpAddress): Promise<WsSession> {
    const session = new WsSession(this, `ws://${httpAddress}/ws`);
    session.hello = await session.chat.ready;
    return session;
  }
}

export class WsSession {
  readonly frames: Frame[] = [];
  hello: Frame = {};
  readonly chat: ChatSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<(f: Frame) => void>();
  private readonly arrivals = new WeakMap<Frame, number>();
  private malformed: string | undefined;

  constructor(
    readonly user: TestUser,
    url: string,
  ) {
    this.chat = openChatSocket({
      url,
      token: user.token,
      name: user.username,
      onFrame: (frame) => {
        this.frames.push(frame);
        this.arrivals.set(frame, performance.now());
        for (const listener of [...this.listeners]) listener(frame);
      },
      onMalformed: ({ text, reason }) => (this.malformed = `a malformed frame, ${reason}: ${text}`),
    });
    this.closed = this.chat.closed;
  }

  /** The raw socket, to send what no well-behaved client would. */
  get ws(): WebSocket {
    return this.chat.ws;
  }

  get connId(): string {
    return String(this.hello.connId);
  }

  /** Resolves once `count` frames match pred (counting those already received), within timeoutMs. */
  waitForCount(
    pred: (f: Frame) => boolean,
    count: number,
    { timeoutMs = 10_000, what = 'matching frames' } = {},
  ): Promise<Frame[]> {
    let seen = this.frames.filter(pred).length;
    if (seen >= count) return Promise.resolve(this.frames.filter(pred));
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (err) reject(err);
        else resolve(this.frames.filter(pred));
      };
      const listener = (f: Frame) => {
        if (pred(f) && ++seen >= count) finish();
      };
      const timer = setTimeout(() => {
        const recent = this.frames.slice(-5).map((f) => JSON.stringify(f).slice(0, 300));
        const failure = this.chat.lastError?.message ?? this.malformed;
        const why = failure ? ` (${failure})` : '';
        finish(
          new Error(
            `${this.user.username}: ${seen}/${count} ${what} within ${timeoutMs} ms${why}; last frames:\n${recent.join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      void this.closed.then(({ code }) => {
        if (this.listeners.has(listener))
          finish(new Error(`${this.user.username}: connection closed (${code}) while waiting for ${what}`));
      });
    });
  }

  /** The first frame (already received or still to come) matching pred, within timeoutMs. */
  async waitFor(pred: (f: Frame) => boolean, options: { timeoutMs?: number; what?: string } = {}): Promise<Frame> {
    const frames = await this.waitForCount(pred, 1, options);
    return frames[0]!;
  }

  /** When a frame arrived (performance.now() of this process), for latency figures. */
  arrivedAt(frame: Frame): number {
    return this.arrivals.get(frame) ?? NaN;
  }

  /** Frames received so far that match pred. */
  received(pred: (f: Frame) => boolean): Frame[] {
    return this.frames.filter(pred);
  }

  sendFrame(frame: Frame): void {
    this.chat.sendText(JSON.stringify(frame));
  }

  /** Sends a chat message; returns the clientMsgId used. */
  send(to: Recipient, body: string, clientMsgId: string = newClientMsgId()): string {
    this.chat.send({ type: 'send', clientMsgId, to, body });
    return clientMsgId;
  }

  /** Sends and waits for its ack (or fails with the error frame the gateway answered with), within 10 s. */
  sendAndAck(to: Recipient, body: string, clientMsgId: string = newClientMsgId()): Promise<Frame> {
    return this.chat.sendAndAck({ type: 'send', clientMsgId, to, body });
  }

  close(): Promise<{ code: number; reason: string }> {
    return this.chat.close(1000, 'test done');
  }
}
