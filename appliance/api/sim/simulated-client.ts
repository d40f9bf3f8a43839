// One simulated user: logged in through a gateway's HTTP API and connected to its /ws like a real client, keeping
// what a chat app would show (conversations with sent / delivered / read ticks, friends' presence, group notices).
import type { ClientFrameEvent } from '../flows/flow-tracker';
import { SEED_PASSWORD } from '../../supervisor/seed';
import type { RecordedActionInput } from '../../scenario/recording/session';
import { BadRequestError } from '../http/errors';
import { applyInboundFrame } from './inbound-frames';
import { noteDelivered } from './receipts';
import type { ClientView, SimConversation, SimMessage, SimNotice } from './views';
import { backoffMs } from '../../../lib/backoff';
import { BoundedMap } from '../../../lib/bounded-map';
import { newTrace } from '../../../lib/trace';
import {
  gatewayCall,
  GatewayCallError,
  newClientMsgId,
  openChatSocket,
  type ChatSocket,
  type MessageFrame,
  type Recipient,
  type ServerFrame,
} from '../../../lib/chat-client';

export const SIM_PASSWORD = 'simulated-password';

interface Hooks {
  onChange: (client: SimulatedClient) => void;
  onFrame: (event: ClientFrameEvent) => void;
  onMessage: (client: SimulatedClient, message: MessageFrame) => void;
  /** Usernames of other simulated users, for notices about people who are not friends. */
  nameOf: (userId: string) => string | undefined;
  /** What this client did (atMs: when it began) and each frame its gateway pushed, for a session recording. */
  onAction?: (client: SimulatedClient, action: RecordedActionInput, atMs: number) => void;
  onInbound?: (client: SimulatedClient, frame: ServerFrame) => void;
}

const EARLY_DELIVERIES_KEPT = 10_000;

export class SimulatedClient {
  userId = '';
  displayName = '';
  gatewayId = '';
  connected = false;
  lastError: string | null = null;
  friends = new Map<string, { userId: string; username: string; status: string }>();
  groups = new Map<string, { groupId: string; name: string; memberCount: number }>();
  conversations = new Map<string, SimConversation>();
  notices: SimNotice[] = [];
  private token = '';
  private socket: ChatSocket | null = null;
  private readonly waiters = new Set<() => void>();
  /** False once the user signed out: the gateway closing the socket then is not a reason to reconnect. */
  private wantConnected = true;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectAttempts = 0;
  /**
   * Deliveries seen before this client's ack told it the message's id (a recipient on a faster path gets the
   * message first): the ack then finds the message delivered already. Bounded, oldest forgotten first.
   */
  private readonly deliveredBeforeAck = new BoundedMap<string, Map<string, number>>(EARLY_DELIVERIES_KEPT);

  constructor(
    readonly username: string,
    readonly gatewayUrl: string,
    private readonly hooks: Hooks,
  ) {}

  view(): ClientView {
    return {
      username: this.username,
      userId: this.userId,
      displayName: this.displayName,
      gatewayId: this.gatewayId,
      gatewayUrl: this.gatewayUrl,
      connected: this.connected,
      lastError: this.lastError,
      friends: [...this.friends.values()],
      groups: [...this.groups.values()],
      conversations: [...this.conversations.values()].map((c) => ({ ...c, title: this.titleOf(c) })),
      notices: this.notices.slice(-50),
      names: this.directory(),
    };
  }

  private changed(): void {
    this.hooks.onChange(this);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once predicate holds after some change, or rejects naming what was awaited. */
  waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.username} did not see ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  private emit(event: Omit<ClientFrameEvent, 'username' | 'gatewayId' | 'atMs'>): void {
    this.hooks.onFrame({ ...event, username: this.username, gatewayId: this.gatewayId, atMs: Date.now() });
  }

  private async http<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    label?: string,
    expects?: ClientFrameEvent['expects'],
  ): Promise<T> {
    const { traceparent, traceId } = newTrace();
    if (label)
      this.emit({
        direction: 'out',
        channel: 'http',
        traceId,
        label: `${method} ${label}`,
        ...(expects ? { expects } : {}),
      });
    try {
      const result = await gatewayCall<T>(this.gatewayUrl, method, path, { token: this.token, body, traceparent });
      if (label) this.emit({ direction: 'in', channel: 'http', traceId, label: 'ok' });
      return result;
    } catch (error) {
      if (label)
        this.emit({
          direction: 'in',
          channel: 'http',
          traceId,
          label: error instanceof GatewayCallError ? `${error.status} ${error.code}` : 'failed',
        });
      throw error;
    }
  }

  /**
   * Logs in with the console's password, then with the seed users' one, so that alice..erin (created by the
   * first `gochat up`) can be driven too; any other existing account is refused with what to do instead.
   */
  private async logIn(): Promise<{ user: { userId: string; displayName: string }; token: string }> {
    for (const password of [SIM_PASSWORD, SEED_PASSWORD]) {
      try {
        return await gatewayCall(this.gatewayUrl, 'POST', '/api/login', {
          body: { username: this.username, password },
        });
      } catch (error) {
        if (!(error instanceof GatewayCallError && error.status === 401)) throw error;
      }
    }
    throw new BadRequestError(
      `"${this.username}" exists with a password the console does not know: simulated clients can drive the users ` +
        `they create (password "${SIM_PASSWORD}") and the seed users (password "${SEED_PASSWORD}"); pick another name`,
    );
  }

  /**
   * Registers the user (or reuses it when it exists), logs in and connects the WebSocket. A user just made by the
   * bulk seeding comes with its token: no register and no login (each a password hash, seconds on a busy machine).
   */
  async signIn(seeded?: { userId: string; token: string }): Promise<void> {
    const health = await gatewayCall<{ gatewayId: string }>(this.gatewayUrl, 'GET', '/api/health');
    this.gatewayId = health.gatewayId;
    if (seeded) {
      this.userId = seeded.userId;
      this.displayName = this.username;
      this.token = seeded.token;
    } else {
      try {
        await gatewayCall(this.gatewayUrl, 'POST', '/api/register', {
          body: { username: this.username, password: SIM_PASSWORD, displayName: this.username },
        });
      } catch (error) {
        if (!(error instanceof GatewayCallError && error.status === 409)) throw error;
      }
      const login = await this.logIn();
      this.userId = login.user.userId;
      this.displayName = login.user.displayName;
      this.token = login.token;
    }
    await this.connect();
    await this.refresh();
  }

  /** `auto`: a reconnect of the client's own after its gateway went away, not one asked for. */
  async connect(auto = false): Promise<void> {
    this.wantConnected = true;
    if (this.socket) return;
    const startedAt = Date.now();
    const { traceparent, traceId } = newTrace();
    const socket = openChatSocket({
      url: `${this.gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.token)}`,
      headers: { traceparent },
      name: this.username,
      onFrame: (frame) => {
        if (frame.type === 'hello') {
          this.connected = true;
          this.hooks.onAction?.(this, { kind: 'connect', user: this.username, ...(auto ? { auto } : {}) }, startedAt);
          this.changed();
        }
        this.onFrame(frame);
      },
      onMalformed: ({ text }) =>
        (this.lastError = `the gateway sent a frame that is not a JSON object: ${text.slice(0, 80)}`),
      onClose: ({ code, reason }) => {
        this.socket = null;
        this.connected = false;
        if (code !== 1000) this.lastError = `disconnected by the gateway (${code}${reason ? `: ${reason}` : ''})`;
        this.changed();
        if (this.wantConnected) this.scheduleReconnect();
      },
    });
    this.socket = socket;
    this.emit({ direction: 'out', channel: 'ws', traceId, label: 'connect /ws' });
    await socket.ready;
  }

  /** Reconnects after the gateway went away (restart, crash), backing off with jitter so restarts are no storm. */
  private scheduleReconnect(): void {
    if (this.reconnectTimer || !this.wantConnected) return;
    const delayMs = backoffMs(this.reconnectAttempts, { initialMs: 500, maxMs: 10_000, jitter: 0.5 });
    this.reconnectAttempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect(true)
        .then(() => {
          this.reconnectAttempts = 0;
          this.lastError = null;
          return this.refresh();
        })
        .catch(() => this.scheduleReconnect());
    }, delayMs);
    this.reconnectTimer.unref();
  }

  async disconnect(): Promise<void> {
    this.wantConnected = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    if (!socket) return;
    this.hooks.onAction?.(this, { kind: 'disconnect', user: this.username }, Date.now());
    await socket.close(1000, 'signed out');
  }

  /** Friends (with presence), groups and conversations as the gateway's HTTP API reports them. */
  async refresh(): Promise<void> {
    const [friends, groups, conversations] = await Promise.all([
      this.http<{ friends: { user: { userId: string; username: string }; status: string }[] }>('GET', '/api/friends'),
      this.http<{ groups: { groupId: string; name: string; memberCount: number }[] }>('GET', '/api/groups'),
      this.http<{
        conversations: { conversationId: string; title: string; peerId: string; groupId: string; readSeq: number }[];
      }>('GET', '/api/conversations'),
    ]);
    for (const f of friends.friends)
      this.friends.set(f.user.userId, { userId: f.user.userId, username: f.user.username, status: f.status });
    for (const g of groups.groups) this.groups.set(g.groupId, g);
    for (const c of conversations.conversations) {
      const conversation = this.conversation(c.conversationId);
      conversation.title = c.title || conversation.title;
      conversation.readSeq = Math.max(conversation.readSeq, c.readSeq);
    }
    this.changed();
  }

  conversation(conversationId: string): SimConversation {
    let conversation = this.conversations.get(conversationId);
    if (!conversation) {
      conversation = { conversationId, title: conversationId, messages: [], readSeq: 0, peerReadSeq: 0, readers: {} };
      this.conversations.set(conversationId, conversation);
    }
    return conversation;
  }

  /** Sends a text message over the WebSocket; the ack fills in its seq. Returns the trace id of the send. */
  send(to: Recipient, body: string): { clientMsgId: string; traceId: string } {
    if (!this.socket || !this.connected) throw new Error(`${this.username} is not connected`);
    const clientMsgId = newClientMsgId();
    const { traceparent, traceId } = newTrace();
    const conversationId =
      'conversationId' in to
        ? to.conversationId
        : 'groupId' in to
          ? `group:${to.groupId}`
          : p2pConversationId(this.userId, to.userId);
    const message: SimMessage = {
      messageId: '',
      conversationId,
      seq: 0,
      senderId: this.userId,
      clientMsgId,
      body,
      sentAtMs: Date.now(),
      status: 'sending',
      traceId,
    };
    this.conversation(conversationId).messages.push(message);
    const peer = conversationId.startsWith('p2p:')
      ? conversationId.split(':').find((id, i) => i > 0 && id !== this.userId)
      : undefined;
    this.hooks.onAction?.(
      this,
      {
        kind: 'send',
        from: this.username,
        ...(conversationId.startsWith('group:') ? { groupId: conversationId.slice(6) } : { toUserId: peer }),
        body,
        clientMsgId,
      },
      Date.now(),
    );
    this.socket.send({ type: 'send', id: clientMsgId, clientMsgId, to, body, traceparent });
    this.emit({ direction: 'out', channel: 'ws', traceId, label: 'send', clientMsgId });
    this.changed();
    return { clientMsgId, traceId };
  }

  /** Reports the conversation read up to its newest message (HTTP, as the seed flow does). */
  async markRead(conversationId: string): Promise<number> {
    const conversation = this.conversation(conversationId);
    const seq = conversation.messages.reduce((max, m) => Math.max(max, m.seq), 0);
    const startedAt = Date.now();
    const result = await this.http<{ readSeq: number }>(
      'POST',
      `/api/conversations/${encodeURIComponent(conversationId)}/read`,
      { seq },
      `read seq ${seq}`,
      { eventType: 'message.read', fields: { readerId: this.userId, conversationId } },
    );
    conversation.readSeq = result.readSeq;
    this.hooks.onAction?.(this, { kind: 'read', user: this.username, conversationId, readSeq: seq }, startedAt);
    this.changed();
    return result.readSeq;
  }

  /** Asks for friendship; true when they are friends now, false while the request waits for the other's answer. */
  async addFriend(userId: string): Promise<boolean> {
    const startedAt = Date.now();
    const res = await this.http<{ status?: string }>('POST', '/api/friends', { userId }, 'ask for friendship');
    if (res.status === 'friends')
      this.hooks.onAction?.(this, { kind: 'befriend', user: this.username, otherUserId: userId }, startedAt);
    await this.refresh();
    return res.status === 'friends';
  }

  /** Answers a friend request from fromUserId (shown in this client's panel like any request it makes). */
  async acceptFriend(fromUserId: string): Promise<void> {
    const startedAt = Date.now();
    await this.http(
      'POST',
      `/api/friends/requests/${encodeURIComponent(fromUserId)}`,
      { accept: true },
      'accept friend',
    );
    this.hooks.onAction?.(this, { kind: 'befriend', user: this.username, otherUserId: fromUserId }, startedAt);
    await this.refresh();
  }

  async createGroup(name: string, memberIds: string[]): Promise<string> {
    const startedAt = Date.now();
    const result = await this.http<{ group: { groupId: string } }>(
      'POST',
      '/api/groups',
      { name, memberIds },
      `create group ${name}`,
    );
    const groupId = result.group.groupId;
    this.hooks.onAction?.(this, { kind: 'create_group', user: this.username, groupId, name, memberIds }, startedAt);
    await this.refresh();
    return result.group.groupId;
  }

  async addGroupMember(groupId: string, userId: string): Promise<void> {
    const startedAt = Date.now();
    await this.http('POST', `/api/groups/${encodeURIComponent(groupId)}/members`, { userId }, 'add group member', {
      eventType: 'group.member.joined',
      fields: { groupId, userId, operatorId: this.userId },
    });
    this.hooks.onAction?.(this, { kind: 'add_member', user: this.username, groupId, memberId: userId }, startedAt);
    await this.refresh();
  }

  private onFrame(frame: ServerFrame): void {
    this.hooks.onInbound?.(this, frame);
    applyInboundFrame(
      this,
      { emit: (event) => this.emit(event), messageArrived: (f) => this.hooks.onMessage(this, f) },
      frame,
    );
    this.changed();
  }

  /** The other user's name for a p2p conversation, the group's name for a group one. */
  titleOf(conversation: SimConversation): string {
    const id = conversation.conversationId;
    if (id.startsWith('p2p:')) {
      const other = id
        .slice(4)
        .split(':')
        .find((u) => u !== this.userId);
      return other ? this.nameOf(other) : conversation.title;
    }
    if (id.startsWith('group:')) {
      const group = this.groups.get(id.slice(6));
      return group ? `group ${group.name}` : conversation.title !== id ? conversation.title : id;
    }
    return conversation.title;
  }

  /** Every user id this client can put a name to. */
  private directory(): Record<string, string> {
    const names: Record<string, string> = { [this.userId]: this.username };
    for (const friend of this.friends.values()) names[friend.userId] = friend.username;
    for (const conversation of this.conversations.values()) {
      for (const m of conversation.messages) names[m.senderId] ??= this.nameOf(m.senderId);
    }
    return names;
  }

  nameOf(userId: string): string {
    if (userId === this.userId) return this.username;
    return this.friends.get(userId)?.username ?? this.hooks.nameOf(userId) ?? userId;
  }

  findOwn(clientMsgId: string): SimMessage | undefined {
    for (const conversation of this.conversations.values()) {
      const found = conversation.messages.find((m) => m.clientMsgId === clientMsgId && m.senderId === this.userId);
      if (found) return found;
    }
    return undefined;
  }

  /** A simulated recipient got one of this client's messages (possibly before this client's ack named it). */
  markDelivered(messageId: string, receiverId: string): void {
    const atMs = Date.now();
    for (const conversation of this.conversations.values()) {
      const found = conversation.messages.find((m) => m.messageId === messageId);
      if (found) {
        if (noteDelivered(found, receiverId, atMs)) this.changed();
        return;
      }
    }
    const early = this.deliveredBeforeAck.get(messageId) ?? new Map<string, number>();
    early.set(receiverId, atMs);
    this.deliveredBeforeAck.set(messageId, early);
  }

  /** Sets what each send sent before `sentBefore` and still without an ack waits for. */
  explainPending(sentBefore: number, why: (waitedMs: number) => string): void {
    let changed = false;
    for (const conversation of this.conversations.values())
      for (const m of conversation.messages) {
        if (m.status !== 'sending' || m.sentAtMs > sentBefore) continue;
        const text = why(Date.now() - m.sentAtMs);
        if (m.waitingFor !== text) {
          m.waitingFor = text;
          changed = true;
        }
      }
    if (changed) this.changed();
  }

  /** Once, for a message whose deliveries were seen before its ack: receiver id -> when. */
  takeEarlyDeliveries(messageId: string): Map<string, number> {
    const early = this.deliveredBeforeAck.get(messageId) ?? new Map<string, number>();
    this.deliveredBeforeAck.delete(messageId);
    return early;
  }

  /** How many members other than this user a message sent now reaches: the M of "read by N of M". */
  recipientsOf(conversationId: string): number {
    if (!conversationId.startsWith('group:')) return 1;
    return Math.max(1, (this.groups.get(conversationId.slice(6))?.memberCount ?? 2) - 1);
  }
}

export function p2pConversationId(a: string, b: string): string {
  return a < b ? `p2p:${a}:${b}` : `p2p:${b}:${a}`;
}
