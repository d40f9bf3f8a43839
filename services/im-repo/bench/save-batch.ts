// How much CPU storing a message costs im-repo's SQLite adapter, alone: batches of sends stored as the group
// commit stores them (one transaction per batch, fsync per commit), on a fresh file.
//   npx tsx services/im-repo/bench/save-batch.ts [--messages 20000] [--batch 100] [--conversations 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConversationType } from '../../../proto/gen/gochat/common/v1/common';
import { openDatabase } from '../adapters/sqlite/database';
import { SqliteMessageStore } from '../adapters/sqlite/message-store';
import { messageIdAt } from '../domain/message-id';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '100' },
    conversations: { type: 'string', default: '50' },
  },
});
const total = Number(values.messages);
const batch = Number(values.batch);
const conversations = Number(values.conversations);
const dir = mkdtempSync(join(tmpdir(), 'gochat-save-bench-'));
const db = openDatabase(join(dir, 'repo.sqlite'));
const store = new SqliteMessageStore(db);
const user = (n: number): string => `u_${n.toString(16).padStart(16, '0')}`;

const wall = performance.now();
const cpu = process.cpuUsage();
for (let k = 0; k < total;) {
  await store.inTransaction(() => {
    for (let j = 0; j < batch && k < total; j++, k++) {
      const pair = k % conversations;
      const [a, b] = [user(pair), user(pair + conversations)];
      store.save({
        messageId: messageIdAt(Date.now()),
        conversationId: `p2p:${a}:${b}`,
        conversationType: ConversationType.CONVERSATION_TYPE_P2P,
        senderId: a,
        clientMsgId: `c${k}`,
        contentType: 'text/plain',
        body: 'x'.repeat(100),
        sentAtMs: Date.now(),
      });
    }
  });
}
const used = process.cpuUsage(cpu);
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `${total} messages in batches of ${batch}: ${Math.round(performance.now() - wall)} ms wall, ` +
    `CPU ${Math.round(used.user / 1000)} ms user + ${Math.round(used.system / 1000)} ms system = ` +
    `${((used.user + used.system) / total).toFixed(1)} us per message`,
);
