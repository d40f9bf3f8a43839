// The embedded RESP server passes the same presence tests as real redis-server: this store's suite, run unchanged
// against it. The test sits here, not in infra/, because infra/ never imports the services built on it.
import { startRespServer } from '../../../../infra/resp-server/index';
import { presenceStoreSuite } from './presence-store.suite';

presenceStoreSuite('the embedded RESP server', () => startRespServer());
