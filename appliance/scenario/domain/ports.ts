// What the runner needs from the outside, declared here and implemented in ../adapters: chat connections and the
// gateways' HTTP API (as a client app would use them), and the appliance's own API for what no client can see.

/** A frame a gateway sent, as one device received it. */
export interface ServerFrame {
  type: string;
  [field: string]: unknown;
}

/** One device's open WebSocket to a gateway, after its hello. */
export interface ChatConnection {
  send(frame: Record<string, unknown>): void;
  /** Resolves once the socket is closed. */
  close(): Promise<void>;
}

export interface ConnectionHandlers {
  onFrame(frame: ServerFrame): void;
  onClose(code: number, reason: string): void;
}

export interface LoggedInUser {
  userId: string;
  username: string;
  token: string;
}

/** The gateways, by id (gw-1 ..), through their client protocol (docs/protocol.md). */
export interface ChatGateways {
  gatewayIds(): string[];
  login(gatewayId: string, username: string, password: string): Promise<LoggedInUser>;
  /** Opens /ws and resolves after hello; frames after hello go to the handlers. */
  connect(gatewayId: string, token: string, handlers: ConnectionHandlers): Promise<ChatConnection>;
  /** An HTTP API call as the user holding the token; rejects with the gateway's error code and message. */
  call<T>(gatewayId: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

export interface TopicRecord {
  key: string | null;
  eventType: string | null;
  value: unknown;
  timestampMs: number;
}

/** The appliance API: bulk users, chaos, and what only the backend sees (presence, topics, rows). */
export interface ApplianceOps {
  /** Users <prefix>0 .. <prefix><count-1>, created in one go, with tokens. */
  createUsers(prefix: string, count: number, password: string): Promise<LoggedInUser[]>;
  kill(service: string): Promise<void>;
  restart(service: string): Promise<void>;
  /** Online users with how many connections each. */
  presence(): Promise<Map<string, number>>;
  records(topic: string, filter: { sinceMs: number; eventType?: string; key?: string }): Promise<TopicRecord[]>;
  /** Rows of a chat table whose columns equal the given values. */
  rows(table: string, where: Record<string, string | number>): Promise<Record<string, unknown>[]>;
}
