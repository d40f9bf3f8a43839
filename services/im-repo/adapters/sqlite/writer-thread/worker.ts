// The writer thread's entry: its own connection to im-repo's SQLite file and its own ConversationLog, answering
// the writes that client.ts forwards. Calls that arrive while a commit runs wait in this thread's queue and are
// taken together into the next one (GroupCommit), so the fsync each commit costs is shared by all of them.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ConversationLog } from '../../../domain/messages';
import { systemClock } from '../../../domain/validation';
import { openDatabase, type SqliteDatabase } from '../database';
import { SqliteFriendStore } from '../friend-store';
import { SqliteGroupStore } from '../group-store';
import { SqliteMessageStore } from '../message-store';
import { SqliteUserStore } from '../user-store';
import { CLOSE, errorFields, type WriteCall, type WriterData, type WriterReply } from './protocol';

if (!parentPort) throw new Error('writer-thread/worker.ts runs only as a worker thread (see client.ts)');
const port: MessagePort = parentPort;
const { sqlitePath, sqliteSync } = workerData as WriterData;
const reply = (message: WriterReply): void => port.postMessage(message);

function open(): SqliteDatabase | undefined {
  try {
    return openDatabase(sqlitePath, sqliteSync);
  } catch (err) {
    // Answered, not thrown: the thread then ends on its own and start() rejects with this reason.
    reply({ ready: false, error: errorFields(err) });
    port.close();
    return undefined;
  }
}

function serve(db: SqliteDatabase): void {
  const log = new ConversationLog(
    new SqliteMessageStore(db),
    new SqliteUserStore(db),
    new SqliteGroupStore(db),
    new SqliteFriendStore(db),
    systemClock,
  );
  let inFlight = 0;
  let closeAsked = false;
  const closeWhenIdle = (): void => {
    if (!closeAsked || inFlight > 0) return;
    db.close();
    port.close();
  };

  port.on('message', (call: WriteCall | typeof CLOSE) => {
    if (call === CLOSE) {
      closeAsked = true;
      closeWhenIdle();
      return;
    }
    const { id, method, args } = call;
    inFlight++;
    // Some writes answer at once, some after the group commit; both become one promise here.
    new Promise((resolve) => resolve((log[method] as (...a: unknown[]) => unknown)(...args)))
      .then(
        (value) => reply({ id, ok: true, value }),
        (err: unknown) => reply({ id, ok: false, error: errorFields(err) }),
      )
      .finally(() => {
        inFlight--;
        closeWhenIdle();
      });
  });
  reply({ ready: true });
}

const db = open();
if (db) serve(db);
