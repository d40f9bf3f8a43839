// One authenticated WebSocket to a gateway's /ws (docs/protocol.md): opened with a token, ready once `hello` came,
// every frame decoded once and handed on, and sends matched to their ack (or error frame) by clientMsgId.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { AckFrame, ClientFrame, ErrorFrame, HelloFrame, SendFrame, ServerFrame } from './frames';

/** A new clientMsgId: unique per sender, and valid (1-64 of [A-Za-z0-9_.:-]). */
export function newClientMsgId(): string {
  return randomUUID();
}

/** The URL as it may be shown: a token in its query is replaced by "...". */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1...');
}

/** A frame that is not a JSON object with a string `type`: its text (cut short) and what is wrong with it. */
export class MalformedFrame {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

/** Parses one text frame; never throws. */
export function decodeFrame(text: string): ServerFrame | MalformedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new MalformedFrame(text.slice(0, 200), `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return new MalformedFrame(text.slice(0, 200), 'not a JSON object');
  if (typeof (value as { type?: unknown }).type !== 'string')
    return new MalformedFrame(text.slice(0, 200), 'no string "type"');
  return value as ServerFrame;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** The gateway answered a send with an error frame. */
export class SendRefusedError extends Error {
  override name = 'SendRefusedError';
  readonly code: string;
  constructor(
    readonly clientMsgId: string,
    readonly frame: ErrorFrame,
  ) {
    super(`send ${clientMsgId} failed: ${frame.code} ${frame.message}`);
    this.code = frame.code;
  }
}

export interface ChatSocketOptions {
  /** ws://host:port/ws, possibly with ?token=... (shown with the token redacted). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` on the upgrade. */
  token?: string;
  /** More upgrade headers, such as a traceparent. */
  headers?: Record<string, string>;
  /** How long `hello` may take; the socket is cut after it. 10 s when not given. */
  helloTimeoutMs?: number;
  /** ws's permessage-deflate (on when not given). */
  perMessageDeflate?: boolean;
  /** Who this is, for error messages (a username, "connection 7"). */
  name?: string;
  /** Every frame, `hello` included, in the order they came. */
  onFrame?: (frame: ServerFrame) => void;
  /** A frame that could not be decoded; it is dropped. */
  onMalformed?: (frame: MalformedFrame) => void;
  /** The socket closed (before or after hello). */
  onClose?: (close: CloseInfo) => void;
}

interface PendingSend {
  resolve: (ack: AckFrame) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ChatSocket {
  readonly ws: WebSocket;
  /** Resolves with `hello`; rejects, naming the URL, if the socket failed or closed first or hello was late. */
  readonly ready: Promise<HelloFrame>;
  readonly closed: Promise<CloseInfo>;
  hello: HelloFrame | undefined;
  /** The last error the socket reported (a failed upgrade, a reset), for messages about what went wrong. */
  lastError: Error | undefined;
  /** Sends waiting for their answer, by clientMsgId; retries of one clientMsgId are answered in order. */
  private readonly pending = new Map<string, PendingSend[]>();
  private readonly who: string;

  constructor(options: ChatSocketOptions) {
    const shownUrl = redactToken(options.url);
    this.who = options.name ? `${options.name}: ` : '';
    const headers = { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
    this.ws = new WebSocket(options.url, {
      headers,
      ...(options.perMessageDeflate !== undefined ? { perMessageDeflate: options.perMessageDeflate } : {}),
    });
    let helloTimer: NodeJS.Timeout | undefined;
    let settleReady: ((error?: Error) => void) | undefined;
    this.ready = new Promise<HelloFrame>((resolve, reject) => {
      const timeoutMs = options.helloTimeoutMs ?? 10_000;
      helloTimer = setTimeout(() => {
        const why = this.lastError ? ` (${this.lastError.message})` : '';
        settleReady?.(new Error(`${this.who}no hello from ${shownUrl} within ${timeoutMs} ms${why}`));
        this.ws.terminate();
      }, timeoutMs);
      settleReady = (error) => {
        clearTimeout(helloTimer);
        settleReady = undefined;
        if (error) reject(error);
        else resolve(this.hello as HelloFrame);
      };
    });
    // Awaiting it is the caller's choice: a connection nobody waits on must not be an unhandled rejection.
    this.ready.catch(() => undefined);
    const onFrame = options.onFrame;
    this.ws.on('message', (data) => {
      const frame = decodeFrame(String(data));
      if (frame instanceof MalformedFrame) {
        options.onMalformed?.(frame);
        return;
      }
      if (this.hello === undefined && frame.type === 'hello') {
        this.hello = frame;
        settleReady?.();
      }
      onFrame?.(frame);
      if (this.pending.size !== 0 && (frame.type === 'ack' || frame.type === 'error')) this.answer(frame);
    });
    this.ws.on('error', (error) => {
      this.lastError = error;
      settleReady?.(new Error(`${this.who}could not connect to ${shownUrl}: ${error.message}`));
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        const close = { code, reason: String(reason) };
        const why = `${close.code}${close.reason ? `: ${close.reason}` : ''}`;
        settleReady?.(new Error(`${this.who}${shownUrl} closed the connection (${why}) before hello`));
        for (const [clientMsgId, sends] of this.pending)
          for (const send of sends) {
            clearTimeout(send.timer);
            send.reject(new Error(`${this.who}connection closed (${why}) before the ack of ${clientMsgId}`));
          }
        this.pending.clear();
        resolve(close);
        options.onClose?.(close);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: ClientFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** A frame already encoded (the load generator builds its own). */
  sendText(text: string): void {
    this.ws.send(text);
  }

  /**
   * Sends and resolves with its ack; rejects with SendRefusedError on an error frame for its clientMsgId, and
   * with an error when no answer came within timeoutMs (10 s, the protocol's advice) or the connection closed.
   */
  sendAndAck(frame: SendFrame, { timeoutMs = 10_000 } = {}): Promise<AckFrame> {
    const { clientMsgId } = frame;
    if (!this.isOpen) return Promise.reject(new Error(`${this.who}not connected: send ${clientMsgId} not sent`));
    return new Promise((resolve, reject) => {
      const entry: PendingSend = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const sends = this.pending.get(clientMsgId);
          const at = sends?.indexOf(entry) ?? -1;
          if (sends && at >= 0) sends.splice(at, 1);
          if (sends?.length === 0) this.pending.delete(clientMsgId);
          reject(new Error(`${this.who}no ack of ${clientMsgId} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      const sends = this.pending.get(clientMsgId);
      if (sends) sends.push(entry);
      else this.pending.set(clientMsgId, [entry]);
      this.send(frame);
    });
  }

  /** How many sends wait for their answer. */
  get pendingSends(): number {
    let count = 0;
    for (const sends of this.pending.values()) count += sends.length;
    return count;
  }

  private answer(frame: AckFrame | ErrorFrame): void {
    const clientMsgId = frame.clientMsgId ?? (frame.type === 'error' ? frame.ref : undefined);
    if (clientMsgId === undefined) return;
    const sends = this.pending.get(String(clientMsgId));
    const send = sends?.shift();
    if (!send) return;
    if (sends?.length === 0) this.pending.delete(String(clientMsgId));
    clearTimeout(send.timer);
    if (frame.type === 'ack') send.resolve(frame);
    else send.reject(new SendRefusedError(String(clientMsgId), frame));
  }

  /** Closes (1000 unless told otherwise) and resolves once closed. */
  close(code = 1000, reason = ''): Promise<CloseInfo> {
    this.ws.close(code, reason);
    return this.closed;
  }

  /** Cuts the connection without a close handshake. */
  terminate(): void {
    this.ws.terminate();
  }
}

/** Starts connecting; `ready` tells when hello came. */
export function openChatSocket(options: ChatSocketOptions): ChatSocket {
  return new ChatSocket(options);
}
