// UserSeeder over im-repo's SeedService (proto/gochat/repo/v1/seed.proto).
import { SeedServiceClient } from '../../../proto/gen/gochat/repo/v1/seed';
import { connectClient } from '../../../lib/grpc';
import type { UserSeeder } from '../domain/ports';
import { repoCall } from './repo-call';

export class RepoSeeder implements UserSeeder {
  private readonly client: SeedServiceClient;

  constructor(address: string) {
    // A seeding of thousands of users is a few MB each way, above grpc-js's 4 MB default for answers.
    this.client = connectClient(SeedServiceClient, address, { 'grpc.max_receive_message_length': 64 * 2 ** 20 });
  }

  seedUsers(request: Parameters<UserSeeder['seedUsers']>[0]): ReturnType<UserSeeder['seedUsers']> {
    return repoCall(this.client, 'seedUsers', request);
  }

  close(): void {
    this.client.close();
  }
}
