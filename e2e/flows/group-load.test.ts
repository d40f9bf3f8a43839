// 20 users in one group exchange 2,000 messages: every member receives every message exactly once, in seq order,
// without a gap; retried sends are stored once and acked with the original seq.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestUser, type Frame, type WsSession } from '../support/chat-client';
import { missingPrerequisite } from '../support/redis';
import { startSystem, type RunningSystem } from '../support/system';

const skip = missingPrerequisite();
const USERS = 20;
const PER_USER = 100;
const TOTAL = USERS * PER_USER;
/** Every RETRY_EVERY-th send of a user is sent twice with the same clientMsgId, as a client does after a lost ack. */
const RETRY_EVERY = 10;

describe('a busy group', { skip }, () => {
  let sys: RunningSystem;
  before(async () => {
    sys = await startSystem({ gateways: 1 });
  });
  after(async () => {
    await sys?.stop();
  });

  test(
    `${USERS} members, ${TOTAL} messages: each member gets each message once, in order, no gap`,
    { timeout: 300_000 },
    async (t) => {
      const gw = sys.gateways[0]!.httpAddress;
      const users: TestUser[] = [];
      for (let i = 0; i < USERS; i++) users.push(await TestUser.register(gw, `member${i}`));
      for (const member of users.slice(1)) await users[0]!.befriend(member);
      const groupId = await users[0]!.createGroup('busy', users.slice(1));
      const sessions = await Promise.all(users.map((u) => u.connect()));
      const conversationId = `group:${groupId}`;

      const startedAt = performance.now();
      const sends = sessions.map(async (ws, u) => {
        const ids: string[] = [];
        for (let i = 0; i < PER_USER; i++) {
          const clientMsgId = `u${u}-${i}-${randomUUID().slice(0, 8)}`;
          ids.push(clientMsgId);
          ws.send({ groupId }, `message ${i} from member ${u}`, clientMsgId);
          if (i % RETRY_EVERY === 0) ws.send({ groupId }, `message ${i} from member ${u}`, clientMsgId);
        }
        const retried = Math.ceil(PER_USER / RETRY_EVERY);
        const acks = await ws.waitForCount((f) => f.type === 'ack', PER_USER + retried, {
          timeoutMs: 240_000,
          what: 'acks',
        });
        return { ids, acks };
      });
      const results = await Promise.all(sends);
      const ackedAt = Math.max(...results.flatMap((r, u) => r.acks.map((a) => sessions[u]!.arrivedAt(a))));
      const errors = sessions.flatMap((ws) => ws.received((f) => f.type === 'error'));
      assert.deepEqual(errors, [], 'no send was refused');

      // Acks: one seq per clientMsgId, the retry acked with the original seq.
      const seqOfClientMsg = new Map<string, number>();
      for (const { ids, acks } of results) {
        for (const ack of acks) {
          const known = seqOfClientMsg.get(ack.clientMsgId as string);
          if (known !== undefined)
            assert.equal(ack.seq, known, `retry of ${ack.clientMsgId} acked with its original seq`);
          seqOfClientMsg.set(ack.clientMsgId as string, ack.seq as number);
          assert.equal(ack.conversationId, conversationId);
        }
        assert.deepEqual(new Set(acks.map((a) => a.clientMsgId)), new Set(ids));
      }
      const allSeqs = [...seqOfClientMsg.values()].sort((a, b) => a - b);
      assert.deepEqual(allSeqs, range(1, TOTAL), 'the group got seqs 1..N without a gap or a repeat');

      // Pushes: each member sees everyone else's messages once, in seq order; with its own acks that is every seq.
      await Promise.all(
        sessions.map((ws) =>
          ws.waitForCount((f) => f.type === 'message', TOTAL - PER_USER, {
            timeoutMs: 120_000,
            what: 'pushed messages',
          }),
        ),
      );
      sessions.forEach((ws: WsSession, u) => {
        const pushed = ws.received((f: Frame) => f.type === 'message').map((f) => f.message.seq as number);
        assert.equal(pushed.length, TOTAL - PER_USER, `member ${u} got each other message once`);
        assert.ok(
          pushed.every((seq, i) => i === 0 || seq > pushed[i - 1]!),
          `member ${u} received pushes in seq order`,
        );
        const own = new Set(results[u]!.acks.map((a) => a.seq as number));
        assert.deepEqual(
          [...new Set([...pushed, ...own])].sort((a, b) => a - b),
          range(1, TOTAL),
          `member ${u} has no gap`,
        );
      });

      const deliveredAt = Math.max(
        ...sessions.flatMap((ws) => ws.received((f) => f.type === 'message').map((f) => ws.arrivedAt(f))),
      );
      const seconds = (ms: number) => ((ms - startedAt) / 1000).toFixed(1);
      // A figure, not an assertion: printed so runs on different machines can be compared.
      t.diagnostic(
        `${TOTAL} messages (+${(USERS * PER_USER) / RETRY_EVERY} retries) acked after ${seconds(ackedAt)} s ` +
          `(${(TOTAL / ((ackedAt - startedAt) / 1000)).toFixed(0)} msg/s); ` +
          `all ${TOTAL * (USERS - 1)} pushes delivered after ${seconds(deliveredAt)} s`,
      );

      const stored = sys
        .db()
        .prepare(
          'SELECT COUNT(*) AS n, COUNT(DISTINCT client_msg_id) AS ids, MIN(seq) AS lo, MAX(seq) AS hi FROM messages WHERE conversation_id = ?',
        )
        .get(conversationId) as { n: number; ids: number; lo: number; hi: number };
      assert.deepEqual(stored, { n: TOTAL, ids: TOTAL, lo: 1, hi: TOTAL }, 'every message stored exactly once');
    },
  );
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
