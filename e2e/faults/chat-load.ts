// Steady chat traffic between many users that survives faults the way a real client does: a dropped WebSocket is
// reopened with jittered exponential backoff (alternating gateways), an unacked send is retried with the same
// clientMsgId (the server deduplicates it) after a wait that doubles per attempt, and after a reconnect or a seq
// gap the client pulls what it missed with "sync". Everything needed to judge a fault afterwards is kept here.
import { randomUUID } from 'node:crypto';
import { newClientMsgId, openChatSocket, type ChatSocket } from '../../lib/chat-client';
import { TestUser, type Frame } from '../support/chat-client';
import { backoffMs } from '../../lib/backoff';

const SEND_EVERY_MS = 150;
/** An unacked send is retried after this, doubling per attempt up to MAX_ACK_WAIT_MS (retries add load). */
const ACK_TIMEOUT_MS = 2000;
const MAX_ACK_WAIT_MS = 16_000;

interface Received {
  seq: number;
  clientMsgId: string;
}

export class LoadClient {
  socket: ChatSocket | null = null;
  connected = false;
  /** When the current connection said hello (null while disconnected), and its id. */
  connectedSince: number | null = null;
  connId = '';
  /** clientMsgId -> when it was first sent; acked ones also in acked. */
  readonly sent = new Map<string, number>();
  readonly acked = new Map<string, { at: number; seq: number; conversationId: string }>();
  /** conversationId -> seq -> what arrived (push or sync). */
  readonly received = new Map<string, Map<number, Received>>();
  duplicates = 0;
  private pending: { clientMsgId: string; sentAt: number; attempts: number } | null = null;
  private attempt = 0;
  private running = true;
  private sending = true;
  private gatewayIndex: number;
  private timers = new Set<NodeJS.Timeout>();
  private syncing = new Set<string>();

  constructor(
    readonly user: TestUser,
    readonly peer: TestUser,
    private readonly gateways: string[],
    index: number,
  ) {
    this.gatewayIndex = index % gateways.length;
  }

  start(): void {
    this.connect();
    this.every(SEND_EVERY_MS, () => this.sendNext());
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    this.timers.add(t);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private connect(): void {
    if (!this.running) return;
    const address = this.gateways[this.gatewayIndex] as string;
    const socket = openChatSocket({
      url: `ws://${address}/ws`,
      token: this.user.token,
      // As long as the gateway takes (a paused one says hello once resumed): a close is what moves on.
      helloTimeoutMs: 600_000,
      onFrame: (frame) => this.onFrame(frame),
      onClose: () => this.onClose(socket),
    });
    this.socket = socket;
  }

  private onClose(socket: ChatSocket): void {
    if (this.socket !== socket) return;
    this.connected = false;
    this.connectedSince = null;
    this.socket = null;
    if (!this.running) return;
    // next gateway, after 100 ms doubling up to 2 s, each with up to half of it added at random
    this.gatewayIndex = (this.gatewayIndex + 1) % this.gateways.length;
    const base = backoffMs(this.attempt, { initialMs: 100, maxMs: 2000 });
    this.attempt += 1;
    this.later(base + Math.random() * base * 0.5, () => this.connect());
  }

  private onFrame(frame: Frame): void {
    if (frame.type === 'hello') {
      this.connected = true;
      this.connectedSince = Date.now();
      this.connId = String(frame.connId);
      this.attempt = 0;
      for (const conversationId of this.received.keys()) this.pullGap(conversationId);
      if (this.pending) {
        this.pending.attempts = 0; // a new connection: the first retry is due soon again
        this.resend();
      }
    } else if (frame.type === 'ack' && this.pending?.clientMsgId === frame.clientMsgId) {
      this.acked.set(frame.clientMsgId, {
        at: Date.now(),
        seq: frame.seq as number,
        conversationId: frame.conversationId as string,
      });
      this.pending = null;
    } else if (frame.type === 'message') {
      this.take(frame.message);
    } else if (frame.type === 'synced') {
      this.syncing.delete(frame.conversationId as string);
      for (const m of frame.messages as Frame[]) this.take(m);
      if (frame.hasMore) this.pullGap(frame.conversationId as string);
    }
  }

  private take(m: Frame): void {
    if (m.senderId === this.user.userId) return;
    const conversationId = m.conversationId as string;
    let seqs = this.received.get(conversationId);
    if (!seqs) this.received.set(conversationId, (seqs = new Map()));
    if (seqs.has(m.seq as number)) {
      this.duplicates += 1;
      return;
    }
    seqs.set(m.seq as number, { seq: m.seq as number, clientMsgId: m.clientMsgId as string });
    // a hole below what just arrived: pushes were lost while away, or arrive out of order; sync fills it
    if (this.firstGap(conversationId) < (m.seq as number)) this.pullGap(conversationId);
  }

  /** The lowest seq not yet received in a conversation (seqs start at 1). */
  firstGap(conversationId: string): number {
    const seqs = this.received.get(conversationId) ?? new Map();
    let seq = 1;
    while (seqs.has(seq)) seq += 1;
    return seq;
  }

  /** Asks for everything from the first missing seq on. */
  pullGap(conversationId: string): void {
    if (!this.connected || this.syncing.has(conversationId)) return;
    this.syncing.add(conversationId);
    this.frame({ type: 'sync', id: randomUUID(), conversationId, fromSeq: this.firstGap(conversationId) });
    // an answer lost with a dropped connection must not block the next pull
    this.later(ACK_TIMEOUT_MS, () => this.syncing.delete(conversationId));
  }

  private frame(f: Frame): void {
    if (this.socket?.isOpen) this.socket.sendText(JSON.stringify(f));
  }

  private sendNext(): void {
    if (!this.running || !this.connected) return;
    if (this.pending) {
      const wait = backoffMs(this.pending.attempts - 1, { initialMs: ACK_TIMEOUT_MS, maxMs: MAX_ACK_WAIT_MS });
      if (Date.now() - this.pending.sentAt > wait) this.resend();
      return;
    }
    if (!this.sending) return;
    const clientMsgId = newClientMsgId();
    this.pending = { clientMsgId, sentAt: Date.now(), attempts: 0 };
    this.sent.set(clientMsgId, Date.now());
    this.resend();
  }

  private resend(): void {
    if (!this.pending) return;
    this.pending.sentAt = Date.now();
    this.pending.attempts += 1;
    const { clientMsgId } = this.pending;
    this.frame({ type: 'send', clientMsgId, to: { userId: this.peer.userId }, body: `load ${clientMsgId}` });
  }

  /** Stops starting new messages; the one in flight is still retried until acked. */
  stopSending(): void {
    this.sending = false;
  }

  get settled(): boolean {
    return this.pending === null;
  }

  close(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const socket = this.socket;
    this.socket = null;
    void socket?.close();
  }
}
