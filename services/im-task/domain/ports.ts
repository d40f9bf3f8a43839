// What the im-task domain needs from the outside world: im-repo (social graph, messages, presence, gateway
// registry) and the gateways' PusherService. Adapters implement these over gRPC; unit tests in memory.
import type { ChatMessage, SystemSignalMessage, UserPresence } from '../../../proto/gen/gochat/common/v1/common';

export interface SocialGraph {
  friendIdsOf(userId: string): Promise<string[]>;
  /** Empty when the group does not exist. */
  groupMemberIds(groupId: string): Promise<string[]>;
}

export interface MessageArchive {
  /** Messages with fromSeq <= seq <= toSeq, oldest first, at most limit. */
  pullMessages(conversationId: string, fromSeq: number, toSeq: number, limit: number): Promise<ChatMessage[]>;
  /**
   * Records each message in its members' conversation indexes, all in one transaction; indexing twice changes
   * nothing. Resolves to how many of the messages were found and indexed.
   */
  indexMessages(entries: ReadonlyArray<{ message: ChatMessage; memberIds: string[] }>): Promise<number>;
}

export interface GatewayAddress {
  gatewayId: string;
  /** host:port of the gateway's PusherService. */
  grpcAddress: string;
}

export interface PresenceDirectory {
  getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]>;
  listGateways(): Promise<GatewayAddress[]>;
}

export interface PushOutcome {
  deliveredUserIds: string[];
  notConnectedUserIds: string[];
}

export interface SignalPusher {
  /** Calls PushToUsers on the gateway at grpcAddress; rejects when the gateway cannot be reached. */
  push(grpcAddress: string, userIds: string[], signal: SystemSignalMessage): Promise<PushOutcome>;
}

export interface Clock {
  nowMs(): number;
}

/** Waits; injectable so unit tests of retries do not wait for real. */
export type Sleep = (ms: number) => Promise<void>;
