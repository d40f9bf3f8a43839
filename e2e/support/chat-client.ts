// A small real client of the gateway: HTTP JSON API with fetch, WebSocket with ws, and bounded waits on frames.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export type Frame = Record<string, any>;

export interface ApiResponse {
  status: number;
  body: any;
}

export async function api(
  httpAddress: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`http://${httpAddress}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertion that reads it will say what came back
  }
  return { status: res.status, body: parsed };
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
    const ws = new WebSocket(`ws://${httpAddress}/ws`, { headers: { Authorization: `Bearer ${this.token}` } });
    const session = new WsSession(ws, this);
    session.hello = await session.waitFor((f) => f.type === 'hello', { what: 'hello' });
    return session;
  }
}

export class WsSession {
  readonly frames: Frame[] = [];
  hello: Frame = {};
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<(f: Frame) => void>();
  private readonly arrivals = new WeakMap<Frame, number>();
  private failure: Error | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly user: TestUser,
  ) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.arrivals.set(frame, performance.now());
      for (const listener of [...this.listeners]) listener(frame);
    });
    ws.on('error', (err) => {
      this.failure = err;
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
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
        const why = this.failure ? ` (${this.failure.message})` : '';
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
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a chat message; returns the clientMsgId used. */
  send(
    to: { userId: string } | { groupId: string } | { conversationId: string },
    body: string,
    clientMsgId: string = randomUUID(),
  ): string {
    this.sendFrame({ type: 'send', clientMsgId, to, body });
    return clientMsgId;
  }

  /** Sends and waits for its ack (or fails with the error frame the gateway answered with). */
  async sendAndAck(
    to: Parameters<WsSession['send']>[0],
    body: string,
    clientMsgId: string = randomUUID(),
  ): Promise<Frame> {
    this.send(to, body, clientMsgId);
    const reply = await this.waitFor(
      (f) => (f.type === 'ack' || f.type === 'error') && f.clientMsgId === clientMsgId && !this.consumed.has(f),
      { what: `ack of ${clientMsgId}` },
    );
    this.consumed.add(reply);
    if (reply.type === 'error') throw new Error(`send ${clientMsgId} failed: ${reply.code} ${reply.message}`);
    return reply;
  }

  private readonly consumed = new Set<Frame>();

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000, 'test done');
    return this.closed;
  }
}
