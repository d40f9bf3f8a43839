import { test } from 'node:test';
import { presenceStoreSuite } from './presence-store.suite';
import { hasRedisServer, startRedisServer } from './redis-server';

if (hasRedisServer()) {
  presenceStoreSuite('redis-server', startRedisServer);
} else if (process.env.CI === 'true') {
  test('redis-server is installed', () => {
    throw new Error('redis-server is missing: install it (apt-get install redis-server) to run the presence tests');
  });
} else {
  test('presence store on redis-server', { skip: 'redis-server is not installed' }, () => undefined);
}
