// im-logic as a process, with real neighbours: im-repo started from its main.ts on a real redis-server and a temp
// SQLite file, the embedded Kafka broker, gRPC calls from outside and a kafkajs consumer reading what was published.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import { isDomainError } from '../../lib/errors';
import { call, checkHealth, connectClient, ServingStatus } from '../../lib/grpc';
import { EventPublisher, Topics } from '../../lib/kafka';
import { silentLogger } from '../../lib/log';
import { GroupRole } from '../../proto/gen/gochat/common/v1/common';
import { AuthServiceClient, ChatServiceClient, SocialServiceClient } from '../../proto/gen/gochat/logic/v1/logic';
import { missingPrerequisite, startRedis } from '../../e2e/support/redis';
import { ServiceProcess } from '../../e2e/support/service-process';
import { collectTopics } from '../../e2e/support/topic-collector';

const skip = missingPrerequisite();
const SECRET = 'integration-secret-0123456789';

function rejectsWith(code: string) {
  return (err: unknown) => {
    assert.ok(isDomainError(err), `expected a domain error, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

describe('im-logic process', { skip }, () => {
  let dir: string;
  let broker: Broker;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let repo: ServiceProcess;
  let logic: ServiceProcess;
  let repoEnv: Record<string, string>;
  let auth: AuthServiceClient;
  let chat: ChatServiceClient;
  let social: SocialServiceClient;
  let topics: Awaited<ReturnType<typeof collectTopics>>;
  let upstream: EventPublisher;
  let logicAddress: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'im-logic-it-'));
    broker = await startBroker({ dataDir: join(dir, 'kafka'), port: 0, initialRebalanceDelayMs: 50 });
    redis = await startRedis();
    const common = { GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', KAFKA_BROKERS: broker.address, GOCHAT_DATA_DIR: dir };
    repoEnv = {
      ...common,
      GOCHAT_INSTANCE_ID: 'im-repo-it',
      REDIS_URL: redis.url,
      SQLITE_PATH: join(dir, 'gochat.db'),
    };
    repo = new ServiceProcess('im-repo', 'im-repo', repoEnv);
    const repoAddress = await repo.grpcAddress();
    // Restarting im-repo later must reuse its address, as im-logic was told it once.
    repoEnv.GRPC_PORT = repoAddress.split(':')[1] ?? '0';
    logic = new ServiceProcess('im-logic', 'im-logic', {
      ...common,
      GOCHAT_INSTANCE_ID: 'im-logic-it',
      REPO_ADDR: repoAddress,
      TOKEN_SECRET: SECRET,
    });
    logicAddress = await logic.grpcAddress();
    auth = connectClient(AuthServiceClient, logicAddress);
    chat = connectClient(ChatServiceClient, logicAddress);
    social = connectClient(SocialServiceClient, logicAddress);
    topics = await collectTopics(
      [broker.address],
      [Topics.messagesPersist, Topics.messagesDownstream, Topics.messageEvents, Topics.notifications],
    );
    const kafka = new Kafka({ clientId: 'test-gateway', brokers: [broker.address], logLevel: logLevel.NOTHING });
    upstream = new EventPublisher({ kafka, producer: 'im-gateway/test', logger: silentLogger() });
  });

  after(async () => {
    for (const c of [auth, chat, social]) c?.close();
    await upstream?.disconnect();
    await topics?.stop();
    const logicExit = await logic?.stop();
    await repo?.stop();
    await redis?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(logicExit, 0, `im-logic exits 0 on SIGTERM\n${logic?.recentOutput()}`);
  });

  async function newUser(name: string) {
    const username = `${name}.${Math.random().toString(36).slice(2, 8)}`;
    await call(auth, 'register', { username, password: 'long enough password', displayName: name });
    const session = await call(auth, 'login', { username, password: 'long enough password' });
    return { userId: session.user!.userId, username, token: session.token };
  }

  const sendReq = (over: Record<string, string>) => ({
    senderId: '',
    toUserId: '',
    groupId: '',
    conversationId: '',
    clientMsgId: '',
    contentType: '',
    body: 'hello',
    originGatewayId: 'gw-test',
    originConnId: 'conn-1',
    ...over,
  });

  test('serves health for the server and each of its services', async () => {
    assert.equal(await checkHealth(logicAddress), ServingStatus.SERVING);
    for (const name of [
      'gochat.logic.v1.AuthService',
      'gochat.logic.v1.ChatService',
      'gochat.logic.v1.SocialService',
    ]) {
      assert.equal(await checkHealth(logicAddress, name), ServingStatus.SERVING, name);
    }
  });

  test('accounts: register, login, verify, and the refusals a client sees', async () => {
    const alice = await newUser('alice');
    const verified = await call(auth, 'verifyToken', { token: alice.token });
    assert.equal(verified.user?.username, alice.username);
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    await assert.rejects(
      call(
        auth,
        'register',
        { username: alice.username, password: 'another password', displayName: '' },
        { traceparent: `00-${traceId}-1111111111111111-01` },
      ),
      rejectsWith('ALREADY_EXISTS'),
    );
    // im-logic's call to im-repo carried the caller's trace: im-repo logs the refusal under the same trace id.
    await repo.waitForLine((l) => l.traceId === traceId, 30_000, "an im-repo log line in the caller's trace");
    await assert.rejects(
      call(auth, 'register', { username: 'X', password: 'another password', displayName: '' }),
      (err: Error) => rejectsWith('INVALID_ARGUMENT')(err) && /^username/.test(err.message),
    );
    await assert.rejects(
      call(auth, 'login', { username: alice.username, password: 'wrong password!' }),
      rejectsWith('UNAUTHENTICATED'),
    );
    await assert.rejects(call(auth, 'verifyToken', { token: `${alice.token}x` }), rejectsWith('UNAUTHENTICATED'));
  });

  test('SendMessage stores with a seq and publishes persist + downstream; a retry is ack_only', async () => {
    const a = await newUser('ann');
    const b = await newUser('ben');
    await assert.rejects(
      call(chat, 'sendMessage', sendReq({ senderId: a.userId, toUserId: b.userId, clientMsgId: 'm1' })),
      rejectsWith('NOT_FRIENDS'),
    );
    assert.equal((await call(social, 'addFriend', { userId: a.userId, friendId: b.userId })).created, true);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const sent = await call(
      chat,
      'sendMessage',
      sendReq({ senderId: a.userId, toUserId: b.userId, clientMsgId: 'm1' }),
      {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    );
    const conv = a.userId < b.userId ? `p2p:${a.userId}:${b.userId}` : `p2p:${b.userId}:${a.userId}`;
    assert.equal(sent.duplicate, false);
    assert.equal(sent.message?.conversationId, conv);
    assert.equal(sent.message?.seq, 1);

    const persisted = await topics.waitFor('message.persist', (e) => e.key === conv, 'persist record');
    assert.equal(persisted.headers['event-type'], 'message.persist');
    assert.equal(persisted.headers['traceparent']?.split('-')[1], traceId, "the caller's trace continues on Kafka");
    assert.deepEqual([...persisted.message.memberIds].sort(), [a.userId, b.userId].sort());
    const down = await topics.waitFor('message.downstream', (e) => e.key === conv, 'downstream record');
    assert.deepEqual([...down.message.recipientIds].sort(), [a.userId, b.userId].sort());
    assert.equal(down.message.message?.messageId, sent.message?.messageId);
    assert.equal(down.message.ackOnly, false);

    const retry = await call(
      chat,
      'sendMessage',
      sendReq({ senderId: a.userId, toUserId: b.userId, clientMsgId: 'm1', originConnId: 'conn-2' }),
    );
    assert.equal(retry.duplicate, true);
    assert.equal(retry.message?.messageId, sent.message?.messageId);
    const ack = await topics.waitFor(
      'message.downstream',
      (e) => e.message.originConnId === 'conn-2',
      'ack_only record',
    );
    assert.equal(ack.message.ackOnly, true);
    assert.deepEqual(ack.message.recipientIds, []);
    const history = await call(chat, 'getHistory', {
      userId: b.userId,
      conversationId: conv,
      fromSeq: 0,
      toSeq: 0,
      limit: 0,
    });
    assert.deepEqual(
      history.messages.map((m) => m.clientMsgId),
      ['m1'],
      'stored once',
    );
  });

  test('the upstream topic: refused sends come back as downstream errors, and bad records do not block', async () => {
    const a = await newUser('cat');
    const b = await newUser('dog');
    await call(social, 'addFriend', { userId: a.userId, friendId: b.userId });
    const conv = a.userId < b.userId ? `p2p:${a.userId}:${b.userId}` : `p2p:${b.userId}:${a.userId}`;
    const up = (clientMsgId: string, body: string) => ({
      senderId: a.userId,
      toUserId: b.userId,
      groupId: '',
      conversationId: '',
      clientMsgId,
      contentType: 'text/plain',
      body,
      originGatewayId: 'gw-test',
      originConnId: 'conn-up',
    });
    await upstream.publish('message.upstream', conv, up('u-empty', ''));
    // A record that is not a MessageUpstream at all, on the same partition.
    const producer = new Kafka({ clientId: 'junk', brokers: [broker.address], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: Topics.messagesUpstream,
      messages: [{ key: conv, value: Buffer.from('not protobuf'), headers: { 'event-type': 'message.upstream' } }],
    });
    await producer.disconnect();
    await upstream.publish('message.upstream', conv, up('u-ok', 'through the topic'));

    const refused = await topics.waitFor(
      'message.downstream',
      (e) => e.message.clientMsgId === 'u-empty',
      'downstream error',
    );
    assert.equal(refused.message.error?.code, 'INVALID_ARGUMENT');
    assert.match(refused.message.error?.message ?? '', /^body/);
    assert.equal(refused.message.originConnId, 'conn-up');
    assert.equal(refused.message.message, undefined);
    const ok = await topics.waitFor(
      'message.downstream',
      (e) => e.message.clientMsgId === 'u-ok',
      'downstream delivery',
    );
    assert.equal(ok.message.error, undefined);
    assert.equal(ok.message.message?.body, 'through the topic');
    assert.equal(ok.message.message?.seq, 1);
  });

  test('upstream sends of one conversation get seqs in the order they were published', async () => {
    const a = await newUser('ord');
    const b = await newUser('er');
    await call(social, 'addFriend', { userId: a.userId, friendId: b.userId });
    const conv = a.userId < b.userId ? `p2p:${a.userId}:${b.userId}` : `p2p:${b.userId}:${a.userId}`;
    const count = 30;
    for (let i = 0; i < count; i++) {
      await upstream.publish('message.upstream', conv, {
        senderId: i % 2 === 0 ? a.userId : b.userId,
        toUserId: i % 2 === 0 ? b.userId : a.userId,
        groupId: '',
        conversationId: '',
        clientMsgId: `order-${i}`,
        contentType: '',
        body: `#${i}`,
        originGatewayId: 'gw-test',
        originConnId: 'conn-order',
      });
    }
    await topics.waitFor('message.downstream', (e) => e.message.clientMsgId === `order-${count - 1}`, 'the last send');
    const seqs = topics
      .ofType('message.downstream')
      .filter((e) => e.key === conv)
      .map((e) => [e.message.clientMsgId, e.message.message?.seq]);
    assert.deepEqual(
      seqs,
      Array.from({ length: count }, (_, i) => [`order-${i}`, i + 1]),
    );
  });

  test('an unavailable im-repo is retried, not reported to the client as its fault', async () => {
    const a = await newUser('eve');
    const b = await newUser('fay');
    await call(social, 'addFriend', { userId: a.userId, friendId: b.userId });
    const conv = a.userId < b.userId ? `p2p:${a.userId}:${b.userId}` : `p2p:${b.userId}:${a.userId}`;
    assert.equal(await repo.stop(), 0);
    await upstream.publish('message.upstream', conv, {
      senderId: a.userId,
      toUserId: b.userId,
      groupId: '',
      conversationId: '',
      clientMsgId: 'while-down',
      contentType: '',
      body: 'patience',
      originGatewayId: 'gw-test',
      originConnId: 'conn-r',
    });
    await logic.waitForLine(
      (l) => l.msg === 'event handler failed; will retry',
      30_000,
      'a retry of the upstream record',
    );
    repo = new ServiceProcess('im-repo', 'im-repo', repoEnv);
    await repo.grpcAddress();
    const delivered = await topics.waitFor(
      'message.downstream',
      (e) => e.message.clientMsgId === 'while-down',
      'delivery after im-repo came back',
      40_000,
    );
    assert.equal(delivered.message.error, undefined);
    assert.equal(delivered.message.message?.body, 'patience');
    const errors = topics
      .ofType('message.downstream')
      .filter((e) => e.message.clientMsgId === 'while-down' && e.message.error);
    assert.deepEqual(errors, []);
  });

  test('MarkAsRead publishes message.read only when the pointer advances', async () => {
    const a = await newUser('gil');
    const b = await newUser('hal');
    await call(social, 'addFriend', { userId: a.userId, friendId: b.userId });
    for (const id of ['r1', 'r2', 'r3'])
      await call(chat, 'sendMessage', sendReq({ senderId: a.userId, toUserId: b.userId, clientMsgId: id }));
    const conv = a.userId < b.userId ? `p2p:${a.userId}:${b.userId}` : `p2p:${b.userId}:${a.userId}`;
    const first = await call(chat, 'markAsRead', { userId: b.userId, conversationId: conv, seq: 2 });
    assert.deepEqual(first, { readSeq: 2, advanced: true, maxSeq: 3, unreadCount: 1 });
    const same = await call(chat, 'markAsRead', { userId: b.userId, conversationId: conv, seq: 2 });
    assert.equal(same.advanced, false);
    const capped = await call(chat, 'markAsRead', { userId: b.userId, conversationId: conv, seq: 50 });
    assert.deepEqual(capped, { readSeq: 3, advanced: true, maxSeq: 3, unreadCount: 0 });
    await topics.waitFor('message.read', (e) => e.key === conv && e.message.readSeq === 3, 'second message.read');
    const reads = topics.ofType('message.read').filter((e) => e.key === conv);
    assert.deepEqual(
      reads.map((e) => [e.message.previousReadSeq, e.message.readSeq]),
      [
        [0, 2],
        [2, 3],
      ],
    );
    await assert.rejects(
      call(chat, 'markAsRead', { userId: (await newUser('ida')).userId, conversationId: conv, seq: 1 }),
      rejectsWith('NOT_A_MEMBER'),
    );
  });

  test('groups: only owner/admin add members; a join is published once on notifications keyed by group', async () => {
    const owner = await newUser('jo');
    const member = await newUser('kim');
    const joiner = await newUser('lee');
    // Whoever adds a user to a group must be their friend, by the user's consent.
    const asked = await call(social, 'requestFriendship', { userId: owner.userId, friendId: member.userId });
    assert.equal(asked.outcome, 'pending');
    const listed = await call(social, 'listFriendshipRequests', { userId: member.userId });
    assert.deepEqual(
      listed.incoming.map((r) => r.fromUser?.userId),
      [owner.userId],
    );
    const answered = await call(social, 'answerFriendship', {
      userId: member.userId,
      fromUserId: owner.userId,
      accept: true,
    });
    assert.equal(answered.accepted, true);
    const created = await call(social, 'createGroup', {
      operatorId: owner.userId,
      name: 'crew',
      memberIds: [member.userId],
    });
    const groupId = created.group!.groupId;
    await assert.rejects(
      call(social, 'addGroupMember', { operatorId: owner.userId, groupId, userId: joiner.userId, role: 0 }),
      rejectsWith('NOT_FRIENDS'),
    );
    await call(social, 'requestFriendship', { userId: joiner.userId, friendId: owner.userId });
    const both = await call(social, 'requestFriendship', { userId: owner.userId, friendId: joiner.userId });
    assert.equal(both.outcome, 'accepted', 'asking someone who asked you is the consent');
    await assert.rejects(
      call(social, 'addGroupMember', { operatorId: member.userId, groupId, userId: joiner.userId, role: 0 }),
      rejectsWith('NOT_AN_ADMIN'),
    );
    await assert.rejects(
      call(social, 'addGroupMember', {
        operatorId: owner.userId,
        groupId: 'no-such-group',
        userId: joiner.userId,
        role: 0,
      }),
      rejectsWith('NOT_FOUND'),
    );
    await call(chat, 'sendMessage', sendReq({ senderId: member.userId, groupId, clientMsgId: 'before-join' }));
    const added = await call(social, 'addGroupMember', {
      operatorId: owner.userId,
      groupId,
      userId: joiner.userId,
      role: GroupRole.GROUP_ROLE_MEMBER,
    });
    assert.equal(added.alreadyMember, false);
    assert.equal(added.memberCount, 3);
    const again = await call(social, 'addGroupMember', {
      operatorId: owner.userId,
      groupId,
      userId: joiner.userId,
      role: 0,
    });
    assert.equal(again.alreadyMember, true);
    const joined = await topics.waitFor(
      'group.member.joined',
      (e) => e.message.userId === joiner.userId,
      'group.member.joined',
    );
    assert.equal(joined.key, groupId);
    await call(chat, 'sendMessage', sendReq({ senderId: owner.userId, groupId, clientMsgId: 'after-join' }));
    const seen = await call(chat, 'getHistory', {
      userId: joiner.userId,
      conversationId: `group:${groupId}`,
      fromSeq: 0,
      toSeq: 0,
      limit: 0,
    });
    assert.deepEqual(
      seen.messages.map((m) => m.clientMsgId),
      ['after-join'],
      'a joiner sees history from the join',
    );
    const members = await call(social, 'listGroupMembers', { operatorId: joiner.userId, groupId });
    assert.deepEqual(
      members.users.map((u) => u.username).sort(),
      [owner.username, member.username, joiner.username].sort(),
    );
    const joins = topics.ofType('group.member.joined').filter((e) => e.message.userId === joiner.userId);
    assert.equal(joins.length, 1);
  });

  test('friends list shows presence; search finds users', async () => {
    const a = await newUser('max');
    const b = await newUser('ned');
    await call(social, 'addFriend', { userId: a.userId, friendId: b.userId });
    const friends = await call(social, 'listFriends', { userId: a.userId });
    assert.deepEqual(
      friends.friends.map((f) => [f.user?.userId, f.status]),
      [[b.userId, 2]],
    );
    const found = await call(social, 'searchUsers', { query: b.username, limit: 5 });
    assert.deepEqual(
      found.users.map((u) => u.userId),
      [b.userId],
    );
  });
});

describe('im-logic configuration', () => {
  test('a short TOKEN_SECRET stops the process at start with the variable named', async () => {
    const child = new ServiceProcess('im-logic-badcfg', 'im-logic', {
      KAFKA_BROKERS: '127.0.0.1:9',
      REPO_ADDR: '127.0.0.1:9',
      TOKEN_SECRET: 'short',
    });
    const line = await child.waitForLine(
      (l) => /TOKEN_SECRET/.test(String(l.msg)),
      30_000,
      'a line naming TOKEN_SECRET',
    );
    assert.match(String(line.msg), /at least 16 characters/);
    assert.equal(await child.stop(), 2);
  });
});
