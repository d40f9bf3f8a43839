// One client's WebSocket: decodes its frames, takes them one after another (so a client's sends are queued for
// Kafka in the order it sent them, without waiting for one to be stored before taking the next) and frames what
// the domain pushes to it.
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { ChatMessage, SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import { assertConversationId } from '../domain/conversation-id';
import type { ConversationSync } from '../domain/conversation-sync';
import { GatewayErrorCode, payloadTooLarge } from '../domain/errors';
import type { ClientLink, LogicApi, SendAck } from '../domain/ports';
import type { UpstreamSender } from '../domain/upstream-sender';
import {
  currentTraceparent,
  endFailed,
  hasActiveSpan,
  SpanKind,
  spansRecorded,
  startSpan,
  withActiveSpan,
  type Span,
} from '../../../lib/telemetry';
import { decodeClientFrame, type ClientFrame, type FrameId } from './client-frames';
import { CloseCode, errorFrame } from './error-mapping';
import { messageView, signalFrame } from './views';

/** How long a client told to go away may take to answer the close handshake before it is cut. */
const GO_AWAY_GRACE_MS = 2000;
/** setTimeout holds at most 2^31-1 ms (~24.8 days); a token that lives longer re-arms its timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const MAX_FRAME_BYTES = 64 * 1024;
/** Bad frames tolerated on one connection before it is closed with a policy violation. */
export const MAX_BAD_FRAMES = 5;
/** Frames waiting to be handled before the client is considered to be flooding. */
const MAX_QUEUED_FRAMES = 1000;

// A group message goes to every member's connections as the same frame: encoded once per message (the record's
// decoded object is shared by the whole fan-out), not once per connection.
const encodedPushes = new WeakMap<ChatMessage, { traceparent: string | undefined; data: Buffer }>();
function pushFrame(message: ChatMessage, traceparent: string | undefined): object {
  return { type: 'message', message: messageView(message), ...(traceparent ? { traceparent } : {}) };
}
function encodedPush(message: ChatMessage, traceparent: string | undefined): Buffer {
  const known = encodedPushes.get(message);
  if (known !== undefined && known.traceparent === traceparent) return known.data;
  const data = Buffer.from(JSON.stringify(pushFrame(message, traceparent)));
  encodedPushes.set(message, { traceparent, data });
  return data;
}

// Frames written to one connection during one turn of the event loop leave in one system call. ws writes each
// frame with its own cork/uncork, one writev per frame: a batch of acks and messages for one client (a downstream
// fetch carries many) cost a system call each, about a sixth of the gateway's CPU under load. Corking the socket
// for the rest of the turn makes ws's own uncork a no-op until ours; the frames keep their order, and a close or
// end flushes whatever is held (net.Socket.end uncorks). `_socket` is ws's underlying net.Socket (not typed).
const heldSockets = new Set<Socket>();
function holdUntilTurnEnds(ws: WebSocket): void {
  const raw = (ws as unknown as { _socket?: Socket })._socket;
  if (raw === undefined || heldSockets.has(raw)) return;
  if (heldSockets.size === 0) setImmediate(releaseHeldSockets);
  raw.cork();
  heldSockets.add(raw);
}
function releaseHeldSockets(): void {
  for (const raw of heldSockets) raw.uncork();
  heldSockets.clear();
}

const MAX_PENDING_ACK_IDS = 1000;
/**
 * Bytes queued for a client that does not read before it is dropped: one stalled client must not hold an
 * unbounded share of the gateway's memory. It reconnects and catches up by seq.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** A send waiting for its answer; an object so that a failed publish removes exactly its own entry. */
interface PendingSend {
  id?: FrameId;
}

export interface WsConnectionDeps {
  sender: UpstreamSender;
  sync: ConversationSync;
  logic: LogicApi;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export class WsConnection implements ClientLink {
  /** Cleared by a heartbeat ping, set again by the client's pong. */
  alive = true;
  private badFrames = 0;
  private queued = 0;
  private chain: Promise<void> = Promise.resolve();
  /**
   * The sends waiting for their ack or error, per clientMsgId, oldest first: a retry sent before the first attempt
   * was answered gets its own entry, so each frame gets one answer carrying its own id. Answers for one clientMsgId
   * come back in frame order (one connection's sends of a conversation share a partition).
   */
  private readonly awaitingAnswer = new Map<string, PendingSend[]>();
  private awaitingCount = 0;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly connId: string,
    readonly userId: string,
    readonly remoteAddress: string,
    readonly connectedAtMs: number,
    private readonly deps: WsConnectionDeps,
  ) {}

  /**
   * Frames produced before the hello (a push can reach a connection while its presence is still being recorded)
   * wait here, so that hello is always the first frame a client sees.
   */
  private beforeHello: object[] | undefined = [];

  /** Sends the hello frame, then whatever was waiting for it. */
  greet(hello: object): void {
    const waiting = this.beforeHello ?? [];
    this.beforeHello = undefined;
    this.send(hello);
    for (const frame of waiting) this.send(frame);
  }

  send(frame: object): void {
    if (this.beforeHello) {
      this.beforeHello.push(frame);
      if (this.beforeHello.length > MAX_QUEUED_FRAMES)
        this.socket.close(CloseCode.policyViolation, 'too many frames before hello');
      return;
    }
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.noteFrameOut(frame);
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.deps.log.warn(
        { connId: this.connId, buffered: this.socket.bufferedAmount },
        'client is not reading; dropped',
      );
      this.socket.terminate();
      return;
    }
    this.write(JSON.stringify(frame));
  }

  /** Sends a text frame already encoded (the checks of send() done by the caller). */
  private write(data: string | Buffer): void {
    holdUntilTurnEnds(this.socket);
    this.socket.send(data, { binary: false }, (err) => {
      if (err) this.deps.log.warn({ err, connId: this.connId }, 'frame could not be written');
    });
  }

  /** A frame pushed as part of some work (a delivery, a signal, an answer) is a hop of that work's flow. */
  private noteFrameOut(frame: object): void {
    // With tracing off a span would be ids going nowhere: nothing is made per frame.
    if (!spansRecorded()) return;
    const { type, signalType } = frame as { type?: unknown; signalType?: unknown };
    if (type === 'pong' || !hasActiveSpan()) return;
    const span = startSpan(`ws push ${String(type)}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'gochat.ws.direction': 'out',
        'gochat.frame_type': String(type),
        'gochat.user_id': this.userId,
        'gochat.conn_id': this.connId,
        ...(typeof signalType === 'string' ? { 'gochat.signal_type': signalType } : {}),
      },
    });
    span.end();
  }

  // Frames of a delivery carry the trace of the work in progress (a downstream record's, an RPC's).
  pushMessage(message: ChatMessage): void {
    const traceparent = currentTraceparent();
    // Queued before hello, or a socket send() closes or drops: the ordinary path decides.
    const ordinary =
      this.beforeHello !== undefined ||
      this.socket.readyState !== this.socket.OPEN ||
      this.socket.bufferedAmount > MAX_BUFFERED_BYTES;
    if (ordinary) return this.send(pushFrame(message, traceparent));
    this.noteFrameOut({ type: 'message' });
    this.write(encodedPush(message, traceparent));
  }

  pushSignal(signal: SystemSignalMessage): void {
    this.send(signalFrame(signal));
  }

  acknowledgeSend(ack: SendAck): void {
    const traceparent = currentTraceparent();
    const id = this.takePending(ack.clientMsgId)?.id;
    this.send({ type: 'ack', ...(id !== undefined ? { id } : {}), ...ack, ...(traceparent ? { traceparent } : {}) });
  }

  rejectSend(clientMsgId: string, code: string, message: string): void {
    const traceparent = currentTraceparent();
    const id = this.takePending(clientMsgId)?.id;
    this.send({
      type: 'error',
      code,
      message,
      ref: id ?? clientMsgId,
      clientMsgId,
      ...(traceparent ? { traceparent } : {}),
    });
  }

  goAway(reason: string, code: number = CloseCode.goingAway): void {
    this.socket.close(code, reason);
    // A client that never answers the close handshake must not hold a shutdown open (ws would wait 30 s).
    setTimeout(() => this.socket.terminate(), GO_AWAY_GRACE_MS).unref();
  }

  /**
   * A token is checked once, at the upgrade; the connection it opened ends when it expires (close 4001), so an
   * expired token never keeps working. The client logs in again and reconnects with the new token.
   */
  closeWhenTokenExpires(expiresAtMs: number | undefined): void {
    if (expiresAtMs === undefined || expiresAtMs <= 0) return;
    const wait = expiresAtMs - Date.now();
    if (wait <= 0) {
      this.goAway('token expired: log in again and reconnect', CloseCode.tokenExpired);
      return;
    }
    this.expiryTimer = setTimeout(() => this.closeWhenTokenExpires(expiresAtMs), Math.min(wait, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }

  /** The socket closed: nothing of this connection may fire later. */
  closed(): void {
    clearTimeout(this.expiryTimer);
  }

  /** Entry point for every frame the client sends, after `ready` (presence recorded, hello sent). */
  receive(data: RawData, isBinary: boolean, ready: Promise<void>): void {
    const size = Array.isArray(data)
      ? data.reduce((n, b) => n + b.length, 0)
      : (data as Buffer | ArrayBuffer).byteLength;
    if (size > MAX_FRAME_BYTES) return this.reject(errorFrame(payloadTooLarge(MAX_FRAME_BYTES)).frame);
    if (isBinary) {
      return this.reject({
        type: 'error',
        code: GatewayErrorCode.invalidFrame,
        message: 'frames must be JSON text, not binary',
      });
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as Buffer).toString('utf8');
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) {
      const { ok: _ok, ...problem } = decoded;
      return this.reject({ type: 'error', ...problem });
    }
    if (++this.queued > MAX_QUEUED_FRAMES) {
      this.socket.close(CloseCode.policyViolation, 'too many frames in flight');
      return;
    }
    const frame = decoded.frame;
    this.chain = this.chain
      .then(() => ready)
      .then(() => this.handle(frame))
      .catch((err: unknown) => this.answerFailure(frame, err))
      .finally(() => {
        this.queued -= 1;
      });
  }

  private answerFailure(frame: ClientFrame, err: unknown): void {
    const { frame: reply, expected } = errorFrame(
      err,
      frame.id ?? (frame.type === 'send' ? frame.clientMsgId : undefined),
    );
    if (!expected) this.deps.log.error({ err, connId: this.connId, frameType: frame.type }, 'frame handling failed');
    this.send(frame.type === 'send' ? { ...reply, clientMsgId: frame.clientMsgId } : reply);
  }

  private reject(frame: object): void {
    this.send(frame);
    this.badFrames += 1;
    if (this.badFrames >= MAX_BAD_FRAMES) this.socket.close(CloseCode.policyViolation, 'too many invalid frames');
  }

  private addPending(clientMsgId: string, id: FrameId | undefined): PendingSend {
    const pending: PendingSend = id !== undefined ? { id } : {};
    const queue = this.awaitingAnswer.get(clientMsgId);
    if (queue) queue.push(pending);
    else this.awaitingAnswer.set(clientMsgId, [pending]);
    this.awaitingCount += 1;
    // Answers that never come (a record lost on the way) must not grow this forever.
    if (this.awaitingCount > MAX_PENDING_ACK_IDS) {
      const oldest = this.awaitingAnswer.keys().next().value;
      if (oldest !== undefined) this.takePending(oldest);
    }
    return pending;
  }

  private takePending(clientMsgId: string): PendingSend | undefined {
    const queue = this.awaitingAnswer.get(clientMsgId);
    if (!queue) return undefined;
    const first = queue.shift();
    this.awaitingCount -= 1;
    if (queue.length === 0) this.awaitingAnswer.delete(clientMsgId);
    return first;
  }

  private dropPending(clientMsgId: string, pending: PendingSend): void {
    const queue = this.awaitingAnswer.get(clientMsgId);
    const at = queue?.indexOf(pending) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    this.awaitingCount -= 1;
    if (queue.length === 0) this.awaitingAnswer.delete(clientMsgId);
  }

  /** Each frame but a ping is a span, the child of the frame's traceparent or a new trace. */
  private async handle(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping') {
      this.send({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}) });
      return;
    }
    const span = startSpan(`ws ${frame.type}`, {
      kind: SpanKind.SERVER,
      parent: frame.traceparent,
      root: true,
      attributes: {
        'gochat.ws.direction': 'in',
        'gochat.frame_type': frame.type,
        'gochat.user_id': this.userId,
        'gochat.conn_id': this.connId,
        ...(frame.type === 'send' ? { 'gochat.client_msg_id': frame.clientMsgId } : {}),
      },
    });
    try {
      await withActiveSpan(span, () => this.handleInSpan(frame, span));
      if (frame.type !== 'send') span.end(); // a send's span ends when its record is stored
    } catch (err) {
      endFailed(span, err);
      throw err;
    }
  }

  private async handleInSpan(frame: ClientFrame, span: Span): Promise<void> {
    const echo = frame.id !== undefined ? { id: frame.id } : {};
    switch (frame.type) {
      case 'ping':
        return;
      case 'send': {
        const pending = this.addPending(frame.clientMsgId, frame.id);
        const outgoing = {
          clientMsgId: frame.clientMsgId,
          to: frame.to,
          body: frame.body,
          contentType: frame.contentType,
        };
        // Pipelined: the record is queued for Kafka now, in the order the frames came, and the next frame is taken
        // without waiting for the broker. The send keeps its place in the frame budget until the broker answered.
        this.queued += 1;
        this.deps.sender
          .send({ userId: this.userId, connId: this.connId }, outgoing)
          .then(
            () => span.end(),
            (err: unknown) => {
              endFailed(span, err);
              // Not published, so no answer will come for it: it leaves the queue wherever it stands.
              this.dropPending(frame.clientMsgId, pending);
              this.answerFailure(frame, err);
            },
          )
          .finally(() => {
            this.queued -= 1;
          });
        return;
      }
      case 'read': {
        const conversationId = assertConversationId(frame.conversationId);
        const res = await this.deps.logic.markAsRead({ userId: this.userId, conversationId, seq: frame.seq });
        this.send({
          type: 'read.ack',
          ...echo,
          conversationId: frame.conversationId,
          readSeq: res.readSeq,
          advanced: res.advanced,
          maxSeq: res.maxSeq,
          unreadCount: res.unreadCount,
        });
        return;
      }
      case 'sync': {
        const res = await this.deps.sync.pull(
          { userId: this.userId, connId: this.connId },
          frame.conversationId,
          frame.fromSeq,
          frame.limit,
        );
        this.send({
          type: 'synced',
          ...echo,
          conversationId: frame.conversationId,
          fromSeq: frame.fromSeq,
          messages: res.messages.map(messageView),
          maxSeq: res.maxSeq,
          hasMore: res.hasMore,
        });
        return;
      }
    }
  }
}
