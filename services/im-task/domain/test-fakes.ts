// In-memory stand-ins for im-task's ports, for unit tests of the domain.
import {
  PresenceStatus,
  type ChatMessage,
  type SystemSignalMessage,
  type UserPresence,
} from '../../../proto/gen/gochat/common/v1/common';
import { currentTraceparent } from '../../../lib/telemetry';
import type {
  GatewayAddress,
  MessageArchive,
  PresenceDirectory,
  PushOutcome,
  SignalPusher,
  SocialGraph,
} from './ports';

export class FakeWorld implements SocialGraph, MessageArchive, PresenceDirectory {
  friends = new Map<string, string[]>();
  groups = new Map<string, string[]>();
  messages: ChatMessage[] = [];
  indexed: { message: ChatMessage; memberIds: string[] }[] = [];
  /** user -> gateway ids holding a connection of theirs. */
  connections = new Map<string, string[]>();
  gateways: GatewayAddress[] = [];
  listGatewaysCalls = 0;
  presenceDown = false;

  async friendIdsOf(userId: string): Promise<string[]> {
    return this.friends.get(userId) ?? [];
  }
  async groupMemberIds(groupId: string): Promise<string[]> {
    return this.groups.get(groupId) ?? [];
  }
  async pullMessages(conversationId: string, fromSeq: number, toSeq: number, limit: number): Promise<ChatMessage[]> {
    return this.messages
      .filter((m) => m.conversationId === conversationId && m.seq >= fromSeq && (toSeq === 0 || m.seq <= toSeq))
      .slice(0, limit);
  }
  indexCalls = 0;
  async indexMessages(entries: ReadonlyArray<{ message: ChatMessage; memberIds: string[] }>): Promise<number> {
    this.indexCalls += 1;
    this.indexed.push(...entries);
    return entries.length;
  }
  async getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    if (this.presenceDown) throw new Error('repo unavailable');
    return userIds.map((userId) => {
      const gws = this.connections.get(userId) ?? [];
      return {
        userId,
        status: gws.length > 0 ? PresenceStatus.PRESENCE_STATUS_ONLINE : PresenceStatus.PRESENCE_STATUS_OFFLINE,
        connections: gws.map((gatewayId, i) => ({
          userId,
          connId: `${userId}-c${i}`,
          gatewayId,
          connectedAtMs: 1,
          expiresAtMs: 2,
        })),
      };
    });
  }
  async listGateways(): Promise<GatewayAddress[]> {
    this.listGatewaysCalls++;
    return [...this.gateways];
  }
}

export interface RecordedPush {
  address: string;
  userIds: string[];
  signal: SystemSignalMessage;
  traceparent: string;
}

/** A pusher whose gateways answer for the users given, unless an address is marked down. */
export class FakePusher implements SignalPusher {
  pushes: RecordedPush[] = [];
  attempts: string[] = [];
  /** address -> how many more calls fail (Infinity = always). */
  failures = new Map<string, number>();

  async push(address: string, userIds: string[], signal: SystemSignalMessage): Promise<PushOutcome> {
    // The trace the push is part of comes from the work in progress, as the real pusher's call takes it.
    const traceparent = currentTraceparent() ?? '';
    this.attempts.push(address);
    const left = this.failures.get(address) ?? 0;
    if (left > 0) {
      this.failures.set(address, left - 1);
      throw new Error(`gateway at ${address} is unreachable`);
    }
    this.pushes.push({ address, userIds: [...userIds].sort(), signal, traceparent });
    return { deliveredUserIds: userIds, notConnectedUserIds: [] };
  }
}
