// The largest history the protocol allows a client to ask for: 1,000 messages of 16 KiB (16 MiB of bodies, four
// times gRPC's 4 MiB message limit) is read completely, page by page, over HTTP history and over WebSocket sync.
// Each page is bounded by bytes as well as by count; hasMore tells the client to go on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestUser, type WsSession } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();
const COUNT = 1000;
const BODY_BYTES = 16 * 1024;
const WINDOW = 50;

const bodyOf = (i: number) => `${String(i).padStart(4, '0')}:`.padEnd(BODY_BYTES, 'x');

describe('a history of 1,000 messages of 16 KiB', { skip }, () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId = '';

  before(async () => {
    sys = await startSystem({ gateways: 1 });
    const gw = sys.gateways[0]!.httpAddress;
    alice = await TestUser.register(gw, 'alice');
    bob = await TestUser.register(gw, 'bob');
    await alice.befriend(bob);
    const ws = await alice.connect();
    // a window of sends in flight at a time, each acked before the window moves on
    for (let from = 1; from <= COUNT; from += WINDOW) {
      const acks = await Promise.all(
        Array.from({ length: Math.min(WINDOW, COUNT - from + 1) }, (_, k) =>
          ws.sendAndAck({ userId: bob.userId }, bodyOf(from + k)),
        ),
      );
      conversationId = acks[0]!.conversationId as string;
    }
    await ws.close();
  });
  after(async () => {
    await sys?.stop();
  });

  const checkAll = (bodies: string[]) => {
    assert.equal(bodies.length, COUNT);
    const sorted = bodies.map((b) => Number(b.slice(0, 4))).sort((a, b) => a - b);
    assert.deepEqual(
      sorted,
      Array.from({ length: COUNT }, (_, i) => i + 1),
    );
    assert.ok(bodies.every((b) => b.length === BODY_BYTES));
  };

  test('over HTTP history, asking for the largest page (limit 1000) until hasMore is false', async () => {
    const bodies: string[] = [];
    let fromSeq = 1;
    let pages = 0;
    for (;;) {
      const res = await bob.call(
        'GET',
        `/api/conversations/${encodeURIComponent(conversationId)}/messages?from_seq=${fromSeq}&limit=1000`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
      const seqs: number[] = res.body.messages.map((m: { seq: number }) => m.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => fromSeq + i),
        'a page continues exactly where the last one ended',
      );
      bodies.push(...res.body.messages.map((m: { body: string }) => m.body));
      pages += 1;
      if (!res.body.hasMore) break;
      assert.ok(seqs.length > 0, 'hasMore never comes with an empty page');
      fromSeq = (seqs.at(-1) ?? fromSeq) + 1;
    }
    checkAll(bodies);
    assert.ok(pages > 1, 'the byte bound split the 16 MiB into several pages');
  });

  test('over WebSocket sync, the same way', async () => {
    const ws: WsSession = await bob.connect();
    try {
      const bodies: string[] = [];
      let fromSeq = 1;
      for (let page = 0; ; page++) {
        ws.sendFrame({ type: 'sync', id: `page-${page}`, conversationId, fromSeq, limit: 1000 });
        const synced = await ws.waitFor((f) => (f.type === 'synced' || f.type === 'error') && f.id === `page-${page}`, {
          what: `sync page ${page}`,
        });
        assert.equal(synced.type, 'synced', JSON.stringify(synced).slice(0, 300));
        bodies.push(...synced.messages.map((m: { body: string }) => m.body));
        if (!synced.hasMore) break;
        fromSeq = synced.messages.at(-1).seq + 1;
      }
      checkAll(bodies);
    } finally {
      await ws.close();
    }
  });
});
