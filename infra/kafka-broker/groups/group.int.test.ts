// Group membership over the wire: a silent member is expired and the waiting join completes without it;
// a member that leaves triggers a rebalance that the others learn of through their heartbeats; a member whose
// connection closes is gone at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../index';
import { RawKafkaClient } from '../test-support/raw-client';
import { makeTempDir, recordingLogger } from '../test-support/temp-dir';

interface Joined {
  code: number;
  generation: number;
  leader: string;
  memberId: string;
  members: string[];
}

async function join(
  c: RawKafkaClient,
  group: string,
  memberId: string,
  sessionTimeoutMs: number,
  rebalanceTimeoutMs = 5000,
): Promise<Joined> {
  const r = await c.request(11, 5, (w) => {
    w.string(group)
      .int32(sessionTimeoutMs)
      .int32(rebalanceTimeoutMs)
      .string(memberId)
      .nullableString(null)
      .string('consumer');
    w.array(['roundrobin'], (w2, p) => w2.string(p).bytes(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])));
  });
  r.int32();
  const code = r.int16();
  const generation = r.int32();
  r.string();
  const leader = r.string();
  const id = r.string();
  const members = r.array((m) => {
    const mid = m.string();
    m.nullableString();
    m.bytesField();
    return mid;
  });
  return { code, generation, leader, memberId: id, members };
}

/** JoinGroup v5 the way clients do it: learn the member id, then join with it. */
async function joinFully(
  c: RawKafkaClient,
  group: string,
  sessionTimeoutMs: number,
  rebalanceTimeoutMs = 5000,
): Promise<Joined> {
  const first = await join(c, group, '', sessionTimeoutMs, rebalanceTimeoutMs);
  assert.equal(first.code, 79);
  return join(c, group, first.memberId, sessionTimeoutMs, rebalanceTimeoutMs);
}

async function sync(
  c: RawKafkaClient,
  group: string,
  generation: number,
  memberId: string,
  assign: string[],
): Promise<number> {
  const r = await c.request(14, 3, (w) => {
    w.string(group).int32(generation).string(memberId).nullableString(null);
    w.array(assign, (w2, m) => w2.string(m).bytes(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])));
  });
  r.int32();
  return r.int16();
}

async function heartbeat(c: RawKafkaClient, group: string, generation: number, memberId: string): Promise<number> {
  const r = await c.request(12, 3, (w) => w.string(group).int32(generation).string(memberId).nullableString(null));
  r.int32();
  return r.int16();
}

describe('consumer group membership', () => {
  const dir = makeTempDir('groups');
  let broker: Broker;
  const clients: RawKafkaClient[] = [];
  const client = async () => {
    const c = await RawKafkaClient.connect(broker.port);
    clients.push(c);
    return c;
  };

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), initialRebalanceDelayMs: 0 });
  });
  after(async () => {
    clients.forEach((c) => c.close());
    await broker.stop();
    dir.remove();
  });

  test(
    'a member that stops heartbeating is expired and the pending join completes without it',
    { timeout: 20_000 },
    async () => {
      const a = await client();
      const joinedA = await joinFully(a, 'typing-indicators', 1500);
      assert.equal(joinedA.code, 0);
      assert.equal(await sync(a, 'typing-indicators', joinedA.generation, joinedA.memberId, [joinedA.memberId]), 0);
      // a goes silent; b's join waits for a to rejoin, until a's 1.5 s session runs out
      const b = await client();
      const joinedB = await joinFully(b, 'typing-indicators', 10_000);
      assert.equal(joinedB.code, 0);
      assert.deepEqual(joinedB.members, [joinedB.memberId]);
      assert.equal(joinedB.leader, joinedB.memberId);
      assert.ok(joinedB.generation > joinedA.generation);
      assert.equal(await heartbeat(a, 'typing-indicators', joinedA.generation, joinedA.memberId), 25);
    },
  );

  test(
    'a member leaving makes the others rebalance, learning of it through their heartbeats',
    { timeout: 20_000 },
    async () => {
      const c = await client();
      const d = await client();
      const firstC = await joinFully(c, 'read-receipts', 10_000);
      // d's join starts a rebalance that c joins again; both complete in the same generation
      const pendingD = joinFully(d, 'read-receipts', 10_000);
      // c heartbeats as a client does until it is told to rejoin (d's join arrives on another connection)
      let beat = 0;
      for (let i = 0; i < 200 && beat !== 27; i++)
        beat = await heartbeat(c, 'read-receipts', firstC.generation, firstC.memberId);
      assert.equal(beat, 27);
      const [againC, joinedD] = await Promise.all([join(c, 'read-receipts', firstC.memberId, 10_000), pendingD]);
      assert.equal(againC.generation, joinedD.generation);
      const leader = againC.leader === againC.memberId ? c : d;
      const leaderJoin = leader === c ? againC : joinedD;
      assert.deepEqual([...leaderJoin.members].sort(), [againC.memberId, joinedD.memberId].sort());
      const syncs = await Promise.all([
        sync(c, 'read-receipts', againC.generation, againC.memberId, leader === c ? leaderJoin.members : []),
        sync(d, 'read-receipts', joinedD.generation, joinedD.memberId, leader === d ? leaderJoin.members : []),
      ]);
      assert.deepEqual(syncs, [0, 0]);
      assert.equal(broker.describeGroups().find((g) => g.groupId === 'read-receipts')?.state, 'Stable');

      const leave = await c.request(13, 3, (w) =>
        w.string('read-receipts').array([againC.memberId], (w2, m) => w2.string(m).nullableString(null)),
      );
      leave.int32();
      assert.equal(leave.int16(), 0);
      assert.equal(await heartbeat(d, 'read-receipts', joinedD.generation, joinedD.memberId), 27);
      const alone = await join(d, 'read-receipts', joinedD.memberId, 10_000);
      assert.deepEqual(alone.members, [joinedD.memberId]);
      const info = broker.describeGroups().find((g) => g.groupId === 'read-receipts');
      assert.equal(info?.members.length, 1);
    },
  );

  test(
    'a leader that never sends SyncGroup is dropped, so its followers are not parked forever',
    { timeout: 20_000 },
    async () => {
      const e = await client();
      const f = await client();
      const firstE = await joinFully(e, 'stuck-leader', 10_000, 1000);
      assert.equal(await sync(e, 'stuck-leader', firstE.generation, firstE.memberId, [firstE.memberId]), 0);
      const pendingF = joinFully(f, 'stuck-leader', 10_000, 1000);
      let beat = 0;
      for (let i = 0; i < 200 && beat !== 27; i++)
        beat = await heartbeat(e, 'stuck-leader', firstE.generation, firstE.memberId);
      const [againE, joinedF] = await Promise.all([join(e, 'stuck-leader', firstE.memberId, 10_000, 1000), pendingF]);
      const [leader, follower] = againE.leader === againE.memberId ? [againE, joinedF] : [joinedF, againE];
      const followerClient = follower === againE ? e : f;
      // the leader stays silent; the follower's SyncGroup is answered once the rebalance timeout (1 s) has passed
      assert.equal(await sync(followerClient, 'stuck-leader', follower.generation, follower.memberId, []), 27);
      const alone = await join(followerClient, 'stuck-leader', follower.memberId, 10_000, 1000);
      assert.deepEqual(alone.members, [follower.memberId]);
      assert.notEqual(alone.leader, leader.memberId);
    },
  );

  test(
    'a member whose connection closes leaves at once, without waiting out its session',
    { timeout: 20_000 },
    async () => {
      const g = await client();
      // a minute of session and rebalance time: only the closed connection can end g's membership within the test
      const joinedG = await joinFully(g, 'dead-process', 60_000, 60_000);
      assert.equal(await sync(g, 'dead-process', joinedG.generation, joinedG.memberId, [joinedG.memberId]), 0);
      g.close();
      const h = await client();
      const joinedH = await joinFully(h, 'dead-process', 60_000, 60_000);
      assert.equal(joinedH.code, 0);
      assert.deepEqual(joinedH.members, [joinedH.memberId]);
      assert.ok(joinedH.generation > joinedG.generation);
    },
  );
});
