// im-logic's SeedService (proto/gochat/logic/v1/seed.proto), for tools: the bench and the console.
import { SeedServiceService } from '../../../proto/gen/gochat/logic/v1/seed';
import { serviceOf, type AsyncService, type ServiceRegistration } from '../../../lib/grpc';
import type { BulkAccounts } from '../domain/bulk-accounts';

export function seedService(accounts: BulkAccounts): AsyncService<typeof SeedServiceService> {
  return {
    seedUsers: async (req) => accounts.seed(req),
  };
}

export function seedRegistration(accounts: BulkAccounts): ServiceRegistration {
  return serviceOf(SeedServiceService, seedService(accounts));
}
