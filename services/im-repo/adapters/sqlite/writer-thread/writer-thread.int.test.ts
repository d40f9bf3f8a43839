// The writer thread on a real SQLite file: its answers are committed (another connection reads them at once), calls
// made together get gap-free seqs, domain errors cross the thread as themselves, close waits for calls in flight,
// and a database that cannot be opened fails the start with the reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, type ChatMessage } from '../../../../../proto/gen/gochat/common/v1/common';
import { InvalidArgument, NotFound, Unavailable } from '../../../../../lib/errors';
import { UserDirectory } from '../../../domain/users';
import { openDatabase, type SqliteDatabase } from '../database';
import { SqliteMessageStore } from '../message-store';
import { SqliteUserStore } from '../user-store';
import { WriterThread } from './client';

const GROUP = 'group:team';

function message(senderId: string, clientMsgId: string): ChatMessage {
  return {
    messageId: '',
    conversationId: GROUP,
    conversationType: ConversationType.CONVERSATION_TYPE_UNSPECIFIED,
    seq: 0,
    senderId,
    clientMsgId,
    contentType: 'text/plain',
    body: `body of ${clientMsgId}`,
    sentAtMs: 0,
  };
}

describe('im-repo writer thread', () => {
  let dir: string;
  let path: string;
  let db: SqliteDatabase;
  let writer: WriterThread;
  const failures: Error[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gochat-writer-'));
    path = join(dir, 'gochat.db');
    db = openDatabase(path);
    const users = new UserDirectory(new SqliteUserStore(db), { now: () => Date.now() });
    for (const name of ['alice', 'bob']) {
      users.createUser({ username: name, displayName: '', passwordHash: 'h', userId: name });
    }
    writer = await WriterThread.start({ sqlitePath: path, sqliteSync: 'full', onFailure: (err) => failures.push(err) });
  });

  after(async () => {
    await writer?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('calls made together are stored with gap-free seqs, and another connection reads them once answered', async () => {
    const calls = Array.from({ length: 40 }, (_, i) =>
      writer.writes.saveMany([message(i % 2 ? 'alice' : 'bob', `m-${i}-a`), message('alice', `m-${i}-b`)], []),
    );
    const results = (await Promise.all(calls)).flat();
    const seqs = results.map((r) => r.saved?.message.seq ?? 0).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
    const reader = new SqliteMessageStore(db);
    assert.equal(reader.maxSeq(GROUP), 80);
    assert.equal(reader.pull(GROUP, 1, 0, 1000).length, 80);
    // A retry is answered with the original, as in one thread.
    const [again] = await writer.writes.saveMany([message('alice', 'm-1-b')], []);
    assert.equal(again?.saved?.duplicate, true);
    assert.equal(
      again?.saved?.message.seq,
      results.find((r) => r.saved?.message.clientMsgId === 'm-1-b')?.saved?.message.seq,
    );
  });

  test('a domain error crosses the thread with its kind, code and message', async () => {
    await assert.rejects(
      writer.writes.index({ ...message('alice', 'x'), seq: 9999 }, ['alice']),
      (err: unknown) =>
        err instanceof NotFound && err.code === 'MESSAGE_NOT_FOUND' && /no message with seq 9999/.test(err.message),
    );
    await assert.rejects(writer.writes.save(undefined), (err: unknown) => err instanceof InvalidArgument);
    // A refusal inside a batch stays an answer, not an error.
    const [refused] = await writer.writes.saveMany([{ ...message('alice', 'bad'), conversationId: 'nonsense' }], []);
    assert.match(refused?.refused ?? '', /messages\[0\]/);
  });

  test('close lets the calls in flight finish, then refuses new ones', async () => {
    const second = await WriterThread.start({
      sqlitePath: path,
      sqliteSync: 'full',
      onFailure: (err) => failures.push(err),
    });
    const inFlight = Array.from({ length: 20 }, (_, i) => second.writes.saveMany([message('bob', `close-${i}`)], []));
    const closed = second.close();
    const answers = await Promise.all(inFlight);
    await closed;
    assert.equal(answers.filter(([r]) => r?.saved && !r.saved.duplicate).length, 20);
    await assert.rejects(second.writes.saveMany([message('bob', 'late')], []), Unavailable);
    assert.deepEqual(failures, [], 'a thread that was asked to close has not failed');
  });

  test('a database that cannot be opened fails the start, naming why', async () => {
    const notAFile = join(dir, 'a-directory');
    mkdirSync(notAFile);
    await assert.rejects(
      WriterThread.start({ sqlitePath: notAFile, sqliteSync: 'full', onFailure: () => undefined }),
      /unable to open|directory|SQLITE_CANTOPEN/i,
    );
  });
});
