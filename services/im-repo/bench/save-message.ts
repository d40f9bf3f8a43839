// How fast SaveMessage stores messages on this machine (one transaction + fsync each), through the use case.
//   node --import tsx services/im-repo/bench/save-message.ts [count] [--normal]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { openDatabase } from '../adapters/sqlite/database';
import { SqliteGroupStore } from '../adapters/sqlite/group-store';
import { SqliteMessageStore } from '../adapters/sqlite/message-store';
import { SqliteUserStore } from '../adapters/sqlite/user-store';
import { SqliteFriendStore } from '../adapters/sqlite/friend-store';
import { ConversationLog } from '../domain/messages';
import { systemClock } from '../domain/validation';

const count = Number(process.argv[2] ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'im-repo-bench-'));
const sync = process.argv.includes('--normal') ? 'normal' : 'full';
const db = openDatabase(join(dir, 'gochat.db'), sync);
const log = new ConversationLog(
  new SqliteMessageStore(db),
  new SqliteUserStore(db),
  new SqliteGroupStore(db),
  new SqliteFriendStore(db),
  systemClock,
);
try {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    log.save({
      messageId: '',
      conversationId: `p2p:u${i % 50}:v${i % 50}`,
      conversationType: ConversationType.CONVERSATION_TYPE_UNSPECIFIED,
      seq: 0,
      senderId: `u${i % 50}`,
      clientMsgId: `m-${i}`,
      contentType: 'text/plain',
      body: 'hello there, this is a benchmark message',
      sentAtMs: 0,
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `SaveMessage: ${count} messages in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} msgs/s, ` +
      `${((seconds / count) * 1000).toFixed(3)} ms each (WAL, synchronous=${sync})`,
  );
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
