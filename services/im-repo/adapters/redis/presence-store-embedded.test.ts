// The embedded RESP server passes the same presence tests as real redis-server: im-repo's presence-store suite,
// run unchanged against this server.
import { presenceStoreSuite } from '../../services/im-repo/adapters/redis/presence-store.suite';
import { startRespServer } from './index';

presenceStoreSuite('the embedded RESP server', () => startRespServer());
