// im-task's view of im-repo over gRPC: friends, group members, messages, presence and the gateway registry.
import type { Client } from '@grpc/grpc-js';
import type { ChatMessage, UserPresence } from '../../../proto/gen/gochat/common/v1/common';
import {
  FriendServiceClient,
  GroupServiceClient,
  MessageServiceClient,
  PresenceServiceClient,
} from '../../../proto/gen/gochat/repo/v1/repo';
import { isDomainError } from '../../../lib/errors';
import { call, connectClient } from '../../../lib/grpc';
import { SameTurnCalls } from '../../../lib/same-turn-calls';
import type { GatewayAddress, MessageArchive, PresenceDirectory, SocialGraph } from '../domain/ports';

const IDS_PER_CALL = 500;

type IndexEntry = { message: ChatMessage; memberIds: string[] };
/** im-repo indexes at most 1,000 messages a call (MAX_BATCH in its domain/messages.ts). */
const INDEX_ENTRIES_PER_CALL = 1000;
/** Member ids one merged IndexMessages call carries at most: about 2 MB, half of gRPC's 4 MiB message limit. */
const INDEX_MEMBER_IDS_PER_CALL = 100_000;

/**
 * grpc-js backs off up to two minutes between reconnects; after an im-repo restart that would leave this service
 * failing calls long after im-repo is back (at most 1 s here). Identical options also let the clients share one
 * connection.
 */
const CHANNEL_OPTIONS = { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 1000 };

export class RepoClient implements SocialGraph, MessageArchive, PresenceDirectory {
  private readonly friends: FriendServiceClient;
  private readonly groups: GroupServiceClient;
  private readonly messages: MessageServiceClient;
  private readonly presence: PresenceServiceClient;
  /**
   * The lanes' IndexMessages calls of one turn leave as one (lib/same-turn-calls.ts): a fetch brings persist
   * records for up to six partitions at once. The answer is a count; when it falls short, the calls are made
   * again one by one (indexing is idempotent) so that each lane learns its own.
   */
  private readonly indexCalls = new SameTurnCalls<ReadonlyArray<IndexEntry>, number>({
    send: async (entries) => (await call(this.messages, 'indexMessages', { messages: [...entries] })).indexed,
    merge: (requests) => requests.flat(),
    fits: (joined, next) =>
      joined.reduce((n, r) => n + r.length, next.length) <= INDEX_ENTRIES_PER_CALL &&
      [...joined, next].reduce((n, r) => n + r.reduce((m, e) => m + e.memberIds.length, 0), 0) <=
        INDEX_MEMBER_IDS_PER_CALL,
    split: (indexed, requests) =>
      indexed === requests.reduce((n, r) => n + r.length, 0) ? requests.map((r) => r.length) : undefined,
  });

  constructor(address: string) {
    this.friends = connectClient(FriendServiceClient, address, CHANNEL_OPTIONS);
    this.groups = connectClient(GroupServiceClient, address, CHANNEL_OPTIONS);
    this.messages = connectClient(MessageServiceClient, address, CHANNEL_OPTIONS);
    this.presence = connectClient(PresenceServiceClient, address, CHANNEL_OPTIONS);
  }

  close(): void {
    for (const c of [this.friends, this.groups, this.messages, this.presence] as Client[]) c.close();
  }

  async friendIdsOf(userId: string): Promise<string[]> {
    const res = await call(this.friends, 'getUserFriends', { userId });
    return res.friends.flatMap((f) => (f.user ? [f.user.userId] : []));
  }

  async groupMemberIds(groupId: string): Promise<string[]> {
    try {
      return (await call(this.groups, 'getGroupMembers', { groupId })).members.map((m) => m.userId);
    } catch (err) {
      if (isDomainError(err) && err.kind === 'NOT_FOUND') return [];
      throw err;
    }
  }

  async pullMessages(conversationId: string, fromSeq: number, toSeq: number, limit: number): Promise<ChatMessage[]> {
    return (await call(this.messages, 'pullMessages', { conversationId, fromSeq, toSeq, limit })).messages;
  }

  indexMessages(entries: ReadonlyArray<IndexEntry>): Promise<number> {
    return this.indexCalls.call(entries);
  }

  async getUsersPresence(userIds: readonly string[]): Promise<UserPresence[]> {
    // im-repo takes at most 1,000 ids per lookup; a user may have more friends than that.
    const found: UserPresence[] = [];
    for (let i = 0; i < userIds.length; i += IDS_PER_CALL) {
      const batch = userIds.slice(i, i + IDS_PER_CALL);
      found.push(...(await call(this.presence, 'getUsersPresence', { userIds: batch })).users);
    }
    return found;
  }

  async listGateways(): Promise<GatewayAddress[]> {
    const res = await call(this.presence, 'listGateways', {});
    return res.gateways.map((g) => ({ gatewayId: g.gatewayId, grpcAddress: g.grpcAddress }));
  }
}
