// The frames of the gateway's WebSocket /ws, as docs/protocol.md defines them: what a client sends and what the
// gateway answers or pushes. Every frame is one JSON object with a `type`.

/** Echoed in the answer to a frame, and as `ref` of an error frame about it. */
export type FrameId = string | number;
export type Recipient = { userId: string } | { groupId: string } | { conversationId: string };
export type ContentType = 'text/plain' | 'text/markdown' | 'application/json';

export interface SendFrame {
  type: 'send';
  id?: FrameId;
  /** 1-64 of [A-Za-z0-9_.:-], unique per sender; a retry reuses it. */
  clientMsgId: string;
  to: Recipient;
  body: string;
  contentType?: ContentType;
  traceparent?: string;
}

export interface ReadFrame {
  type: 'read';
  id?: FrameId;
  conversationId: string;
  seq: number;
  traceparent?: string;
}

export interface SyncFrame {
  type: 'sync';
  id?: FrameId;
  conversationId: string;
  fromSeq: number;
  limit?: number;
  traceparent?: string;
}

export interface PingFrame {
  type: 'ping';
  id?: FrameId;
}

export type ClientFrame = SendFrame | ReadFrame | SyncFrame | PingFrame;

/** A stored message, as `message` pushes it and `synced` returns it. */
export interface ChatMessage {
  messageId: string;
  conversationId: string;
  conversationType: 'p2p' | 'group';
  seq: number;
  senderId: string;
  clientMsgId: string;
  contentType: ContentType;
  body: string;
  sentAtMs: number;
}

export interface HelloFrame {
  type: 'hello';
  userId: string;
  connId: string;
  gatewayId: string;
}

export interface AckFrame {
  type: 'ack';
  id?: FrameId;
  clientMsgId: string;
  messageId: string;
  conversationId: string;
  seq: number;
  traceparent?: string;
}

export interface MessageFrame {
  type: 'message';
  message: ChatMessage;
  traceparent?: string;
}

export interface SignalCause {
  eventId: string;
  eventType: string;
  occurredAtMs: number;
  producer: string;
  traceparent?: string;
}

export interface SignalFrame {
  type: 'signal';
  /** friend.status.changed, message.receipt.updated, group.member.changed, friend.request.received / accepted */
  signalType: string;
  payload: Record<string, unknown>;
  cause?: SignalCause;
}

export interface ReadAckFrame {
  type: 'read.ack';
  id?: FrameId;
  conversationId: string;
  readSeq: number;
  advanced: boolean;
  maxSeq: number;
  unreadCount: number;
}

export interface SyncedFrame {
  type: 'synced';
  id?: FrameId;
  conversationId: string;
  fromSeq: number;
  messages: ChatMessage[];
  maxSeq: number;
  hasMore: boolean;
}

export interface PongFrame {
  type: 'pong';
  id?: FrameId;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  /** The `id` of the frame refused, or the `clientMsgId` of a send. */
  ref?: FrameId;
  /** For sends. */
  clientMsgId?: string;
  traceparent?: string;
}

export type ServerFrame =
  HelloFrame | AckFrame | MessageFrame | SignalFrame | ReadAckFrame | SyncedFrame | PongFrame | ErrorFrame;
