// im-repo's SeedService (proto/gochat/repo/v1/seed.proto): one call, one transaction.
import { SeedServiceService } from '../../../proto/gen/gochat/repo/v1/seed';
import { serviceOf, type AsyncService, type ServiceRegistration } from '../../../lib/grpc';
import type { Seeder } from '../domain/seeding';

export function seedService(seeder: Seeder): AsyncService<typeof SeedServiceService> {
  return {
    seedUsers: async (req) => seeder.seed(req),
  };
}

export function seedRegistration(seeder: Seeder): ServiceRegistration {
  return serviceOf(SeedServiceService, seedService(seeder));
}
