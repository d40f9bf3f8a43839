// What a recording of hand-driven simulated clients holds: who took part, what each did (in the order it was
// done) and every frame each one's gateway pushed. The appliance API fills it in; translate.ts turns it into a
// scenario. Users are named by their usernames, ids are kept to read frames' payloads.

export interface RecordedUser {
  username: string;
  userId: string;
  /** gw-N, the gateway the simulated client uses. */
  gatewayId: string;
}

export type ServiceAction = 'kill' | 'restart' | 'stop' | 'start' | 'pause' | 'resume' | 'latency';

/** One thing done by hand (or by a one-click seed flow) while recording. */
export type RecordedAction = { atMs: number } & (
  | {
      kind: 'connect';
      user: string;
      /** the client reconnected by itself after its gateway went away */ auto?: boolean;
    }
  | { kind: 'disconnect'; user: string }
  | {
      kind: 'send';
      from: string;
      toUserId?: string;
      groupId?: string;
      body: string;
      clientMsgId: string;
    }
  | { kind: 'read'; user: string; conversationId: string; readSeq: number }
  | { kind: 'befriend'; user: string; otherUserId: string }
  | { kind: 'create_group'; user: string; groupId: string; name: string; memberIds: string[] }
  | { kind: 'add_member'; user: string; groupId: string; memberId: string }
  | { kind: 'service'; service: string; action: ServiceAction; ms?: number }
);

/** An action as reported when it happens; the recorder stamps it. */
export type RecordedActionInput = RecordedAction extends infer A
  ? A extends RecordedAction
    ? Omit<A, 'atMs'>
    : never
  : never;

/** A frame a simulated client's gateway pushed (docs/protocol.md), as received. */
export interface RecordedFrame {
  atMs: number;
  user: string;
  frame: { type: string } & Record<string, unknown>;
}

/** A group as the clients knew it when the recording started. */
export interface KnownGroup {
  groupId: string;
  name: string;
  /** Usernames of the simulated clients in it. */
  members: string[];
}

export interface RecordedSession {
  startedAtMs: number;
  stoppedAtMs: number;
  /** Everyone the recording saw (the clients at the start and those created since). */
  users: RecordedUser[];
  /** Usernames connected when the recording started. */
  connectedAtStart: string[];
  /** Friendships among the clients when the recording started, as username pairs. */
  friendsAtStart: [string, string][];
  groupsAtStart: KnownGroup[];
  actions: RecordedAction[];
  frames: RecordedFrame[];
  /** True when the recording hit its size bound and stopped taking events. */
  truncated?: boolean;
}
