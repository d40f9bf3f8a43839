// UserSeeding over im-logic's SeedService (gRPC), found at whatever address the supervisor reports for im-logic
// now. im-logic hashes the password (once for the whole call) and im-repo stores everything in one transaction.
import { isDomainError } from '../../../lib/errors';
import { call, connectClient } from '../../../lib/grpc';
import { SeedServiceClient } from '../../../proto/gen/gochat/logic/v1/seed';
import { BadRequestError, UnavailableError } from '../http/errors';
import type { SeedUsersRequest, SeedUsersResult, UserSeeding } from '../ports';

/** A seeding of thousands of users with tokens is a few MB, above grpc-js's 4 MB default for answers. */
const CHANNEL_OPTIONS = { 'grpc.max_receive_message_length': 64 * 2 ** 20 };
/** Hashing once and one transaction of 5,000 users take seconds, not the default deadline's fraction. */
const SEED_DEADLINE_MS = 120_000;

export class LogicSeeder implements UserSeeding {
  private client: SeedServiceClient | null = null;
  private clientAddress = '';

  constructor(private readonly logicAddress: () => string | null) {}

  private connected(): SeedServiceClient {
    const address = this.logicAddress();
    if (!address) throw new UnavailableError('seeding is not available: im-logic is not running');
    if (!this.client || this.clientAddress !== address) {
      this.client?.close();
      this.client = connectClient(SeedServiceClient, address, CHANNEL_OPTIONS);
      this.clientAddress = address;
    }
    return this.client;
  }

  async seed(request: SeedUsersRequest): Promise<SeedUsersResult> {
    const started = Date.now();
    const users = request.usernames.map((username) => ({ username, displayName: '', password: request.password }));
    try {
      const response = await call(
        this.connected(),
        'seedUsers',
        {
          users,
          friendships: request.friendships.map(([a, b]) => ({ a, b })),
          groups: request.groups,
          issueTokens: request.tokens,
        },
        { deadlineMs: SEED_DEADLINE_MS },
      );
      return {
        users: response.users.map((seeded) => ({
          userId: seeded.user?.userId ?? '',
          username: seeded.user?.username ?? '',
          created: seeded.created,
          ...(request.tokens ? { token: seeded.token } : {}),
        })),
        groups: response.groups.map(({ groupId, name, memberCount }) => ({ groupId, name, memberCount })),
        elapsedMs: Date.now() - started,
      };
    } catch (error) {
      if (isDomainError(error) && error.kind === 'INVALID_ARGUMENT') throw new BadRequestError(error.message);
      if (error instanceof UnavailableError) throw error;
      throw new UnavailableError(
        `im-logic did not seed the users: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  close(): void {
    this.client?.close();
  }
}
