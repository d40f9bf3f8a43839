import { test } from 'node:test';
import { missingPrerequisite, startRedis } from '../../../../e2e/support/redis';
import { presenceStoreSuite } from './presence-store.suite';

const skip = missingPrerequisite();
if (skip) test('presence store on redis-server', { skip }, () => undefined);
else presenceStoreSuite('redis-server', () => startRedis());
