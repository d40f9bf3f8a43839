// What the console's Clients view shows of each simulated user.

export interface SimMessage {
  messageId: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  body: string;
  sentAtMs: number;
  /** sending -> sent (acked: stored with a seq) -> delivered (a simulated recipient got it) -> read (receipt). */
  status: 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
  /** While a send has no ack after a moment: what it waits for ("im-logic is paused", ...). */
  waitingFor?: string;
  traceId: string | null;
  /** Members other than the sender when it was acked (1 in a p2p conversation): the M of "read by N of M". */
  recipients?: number;
  /** When the ack came (stored, with a seq). */
  ackedAtMs?: number;
  /** Members seen to receive it (by their simulated client, or by their read receipt): user id -> when. */
  deliveredTo?: Record<string, number>;
  /** Members who read it (read receipts): user id -> when they read. */
  readBy?: Record<string, number>;
}

export interface SimConversation {
  conversationId: string;
  title: string;
  messages: SimMessage[];
  /** How far this user has read. */
  readSeq: number;
  /** How far the other side has read (from receipts), for ticks on this user's messages. */
  peerReadSeq: number;
  /** Each other member's read pointer from receipts: user id -> how far, and when it moved there. */
  readers: Record<string, { readSeq: number; atMs: number }>;
}

export interface SimNotice {
  atMs: number;
  signalType: string;
  text: string;
  traceId: string | null;
  payload: Record<string, unknown>;
}

export interface ClientView {
  username: string;
  userId: string;
  displayName: string;
  gatewayId: string;
  gatewayUrl: string;
  connected: boolean;
  lastError: string | null;
  friends: { userId: string; username: string; status: string }[];
  groups: { groupId: string; name: string; memberCount: number }[];
  conversations: SimConversation[];
  notices: SimNotice[];
  /** user id -> username, for everyone this client knows of. */
  names: Record<string, string>;
}

/** A frame from the gateway; fields depend on type (docs/protocol.md). */
export type GatewayMessage = { type: string } & Record<string, unknown>;
