// The frames of the gateway's WebSocket /ws, as docs/protocol.md defines them: what a client sends and what the
// gateway answers or pushes. Every frame is one JSON object with a `type`. Type aliases, not interfaces, so that a
// frame is also a plain JSON record (a session recording keeps frames as such).

/** Echoed in the answer to a frame, and as `ref` of an error frame about it. */
export type FrameId = string | number;
export type Recipient = { userId: string } | { groupId: string } | { conversationId: string };
export type ContentType = 'text/plain' | 'text/markdown' | 'application/json';

export type SendFrame = {
  type: 'send';
  id?: FrameId;
  /** 1-64 of [A-Za-z0-9_.:-], unique per sender; a retry reuses it. */
  clientMsgId: string;
  to: Recipient;
  body: string;
  contentType?: ContentType;
  traceparent?: string;
};

export type ReadFrame = {
  type: 'read';
  id?: FrameId;
  conversationId: string;
  seq: number;
  traceparent?: string;
};

export type SyncFrame = {
  type: 'sync';
  id?: FrameId;
  conversationId: string;
  fromSeq: number;
  limit?: number;
  traceparent?: string;
};

export type PingFrame = {
  type: 'ping';
  id?: FrameId;
};

export type ClientFrame = SendFrame | ReadFrame | SyncFrame | PingFrame;

/** A stored message, as `message` pushes it and `synced` returns it. */
export type ChatMessage = {
  messageId: string;
  conversationId: string;
  conversationType: 'p2p' | 'group';
  seq: number;
  senderId: string;
  clientMsgId: string;
  contentType: ContentType;
  body: string;
  sentAtMs: number;
};

export type HelloFrame = {
  type: 'hello';
  userId: string;
  connId: string;
  gatewayId: string;
};

export type AckFrame = {
  type: 'ack';
  id?: FrameId;
  clientMsgId: string;
  messageId: string;
  conversationId: string;
  seq: number;
  traceparent?: string;
};

export type MessageFrame = {
  type: 'message';
  message: ChatMessage;
  traceparent?: string;
};

export type SignalCause = {
  eventId: string;
  eventType: string;
  occurredAtMs: number;
  producer: string;
  traceparent?: string;
};

export type SignalFrame = {
  type: 'signal';
  /** friend.status.changed, message.receipt.updated, group.member.changed, friend.request.received / accepted */
  signalType: string;
  payload: Record<string, unknown>;
  cause?: SignalCause;
};

export type ReadAckFrame = {
  type: 'read.ack';
  id?: FrameId;
  conversationId: string;
  readSeq: number;
  advanced: boolean;
  maxSeq: number;
  unreadCount: number;
};

export type SyncedFrame = {
  type: 'synced';
  id?: FrameId;
  conversationId: string;
  fromSeq: number;
  messages: ChatMessage[];
  maxSeq: number;
  hasMore: boolean;
};

export type PongFrame = {
  type: 'pong';
  id?: FrameId;
};

export type ErrorFrame = {
  type: 'error';
  code: string;
  message: string;
  /** The `id` of the frame refused, or the `clientMsgId` of a send. */
  ref?: FrameId;
  /** For sends. */
  clientMsgId?: string;
  traceparent?: string;
};

export type ServerFrame =
  HelloFrame | AckFrame | MessageFrame | SignalFrame | ReadAckFrame | SyncedFrame | PongFrame | ErrorFrame;
