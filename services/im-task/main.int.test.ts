// im-task as a process, with real neighbours: im-repo from its main.ts (real redis-server, temp SQLite), the
// embedded Kafka broker, events published with lib's EventPublisher, and a real PusherService gRPC server standing
// in for a gateway (it is the peer im-task calls, of the real contract), registered in im-repo's gateway registry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import {
  call,
  checkHealth,
  connectClient,
  ServingStatus,
  serviceOf,
  startGrpcServer,
  type RunningGrpcServer,
} from '../../lib/grpc';
import { EventPublisher } from '../../lib/kafka';
import { silentLogger } from '../../lib/log';
import { GroupRole, PresenceStatus } from '../../proto/gen/gochat/common/v1/common';
import { PusherServiceService, type PushToUsersRequest } from '../../proto/gen/gochat/gateway/v1/gateway';
import {
  FriendServiceClient,
  GroupServiceClient,
  MessageServiceClient,
  PresenceServiceClient,
  UserServiceClient,
} from '../../proto/gen/gochat/repo/v1/repo';
import { freePort, missingPrerequisite, startRedis } from '../../e2e/support/redis';
import { ServiceProcess } from '../../e2e/support/service-process';

const skip = missingPrerequisite();

/** A gateway's PusherService that records every push and tells who waits for which. */
class RecordingGateway {
  pushes: PushToUsersRequest[] = [];
  private waiters: { pred: (r: PushToUsersRequest) => boolean; done: (r: PushToUsersRequest) => void }[] = [];
  server!: RunningGrpcServer;

  async start(): Promise<string> {
    this.server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      services: [
        serviceOf(PusherServiceService, {
          pushToUsers: async (req) => {
            this.pushes.push(req);
            this.waiters = this.waiters.filter((w) => (w.pred(req) ? (w.done(req), false) : true));
            return { deliveredConnections: req.userIds.length, deliveredUserIds: req.userIds, notConnectedUserIds: [] };
          },
        }),
      ],
    });
    return this.server.address;
  }

  waitFor(pred: (r: PushToUsersRequest) => boolean, what: string, timeoutMs = 20_000): Promise<PushToUsersRequest> {
    const seen = this.pushes.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no push of ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, done: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }
}

function signalOf(req: PushToUsersRequest) {
  return req.payload?.$case === 'signal' ? req.payload.value : undefined;
}

describe('im-task process', { skip }, () => {
  let dir: string;
  let broker: Broker;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let repo: ServiceProcess;
  let task: ServiceProcess;
  let gateway: RecordingGateway;
  let events: EventPublisher;
  let users: UserServiceClient;
  let friends: FriendServiceClient;
  let groups: GroupServiceClient;
  let messages: MessageServiceClient;
  let presence: PresenceServiceClient;
  let taskAddress: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'im-task-it-'));
    broker = await startBroker({ dataDir: join(dir, 'kafka'), port: 0, initialRebalanceDelayMs: 50 });
    redis = await startRedis();
    const common = { GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', KAFKA_BROKERS: broker.address, GOCHAT_DATA_DIR: dir };
    repo = new ServiceProcess('im-repo', 'im-repo', {
      ...common,
      REDIS_URL: redis.url,
      SQLITE_PATH: join(dir, 'gochat.db'),
    });
    const repoAddress = await repo.grpcAddress();
    users = connectClient(UserServiceClient, repoAddress);
    friends = connectClient(FriendServiceClient, repoAddress);
    groups = connectClient(GroupServiceClient, repoAddress);
    messages = connectClient(MessageServiceClient, repoAddress);
    presence = connectClient(PresenceServiceClient, repoAddress);
    gateway = new RecordingGateway();
    const gatewayAddress = await gateway.start();
    await call(presence, 'registerGateway', {
      gateway: {
        gatewayId: 'gw-test',
        grpcAddress: gatewayAddress,
        publicAddress: '127.0.0.1:1',
        registeredAtMs: 0,
        expiresAtMs: 0,
      },
      ttlMs: 600_000,
    });
    // A gateway that registered and then died: its port refuses connections.
    await call(presence, 'registerGateway', {
      gateway: {
        gatewayId: 'gw-dead',
        grpcAddress: `127.0.0.1:${await freePort()}`,
        publicAddress: '127.0.0.1:2',
        registeredAtMs: 0,
        expiresAtMs: 0,
      },
      ttlMs: 600_000,
    });
    task = new ServiceProcess('im-task', 'im-task', {
      ...common,
      GOCHAT_INSTANCE_ID: 'im-task-it',
      GOCHAT_LOG_LEVEL: 'debug',
      REPO_ADDR: repoAddress,
    });
    taskAddress = await task.grpcAddress();
    const kafka = new Kafka({ clientId: 'test-producer', brokers: [broker.address], logLevel: logLevel.NOTHING });
    events = new EventPublisher({ kafka, producer: 'test/producer', logger: silentLogger() });
  });

  after(async () => {
    for (const c of [users, friends, groups, messages, presence]) c?.close();
    await events?.disconnect();
    const taskExit = await task?.stop();
    await gateway?.server.shutdown(1000);
    await repo?.stop();
    await redis?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(taskExit, 0, `im-task exits 0 on SIGTERM\n${task?.recentOutput()}`);
  });

  async function user(name: string): Promise<string> {
    const username = `${name}.${Math.random().toString(36).slice(2, 8)}`;
    const res = await call(users, 'createUser', { username, displayName: name, passwordHash: 'scrypt$x', userId: '' });
    return res.user!.userId;
  }

  async function online(userId: string, gatewayId = 'gw-test'): Promise<void> {
    await call(presence, 'setUserOnline', { userId, connId: `${userId}@${gatewayId}`, gatewayId, ttlMs: 600_000 });
  }

  test('serves health', async () => {
    assert.equal(await checkHealth(taskAddress), ServingStatus.SERVING);
  });

  test('user.online becomes friend.status.changed, pushed only to online friends on their gateway', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    await call(friends, 'addFriend', { userId: alice, friendId: bob });
    await call(friends, 'addFriend', { userId: alice, friendId: carol });
    await online(bob);
    const published = await events.publish('user.online', alice, {
      userId: alice,
      gatewayId: 'gw-test',
      connId: 'c-a',
      onlineAtMs: 1234,
    });
    const push = await gateway.waitFor(
      (r) => signalOf(r)?.cause?.eventId === published.eventId,
      'friend.status.changed',
    );
    assert.deepEqual(push.userIds, [bob], 'carol is offline: not pushed');
    const signal = signalOf(push)!;
    assert.equal(signal.signalType, 'friend.status.changed');
    assert.equal(signal.cause?.eventType, 'user.online');
    assert.deepEqual(signal.payload, {
      $case: 'friendStatusChanged',
      value: { userId: alice, status: PresenceStatus.PRESENCE_STATUS_ONLINE, changedAtMs: 1234 },
    });
    assert.equal(push.trace?.traceparent.split('-')[1], published.traceparent.split('-')[1], 'same trace');
  });

  test('message.read becomes message.receipt.updated for the p2p peer', async () => {
    const alice = await user('ann');
    const bob = await user('ben');
    await online(alice);
    const conv = alice < bob ? `p2p:${alice}:${bob}` : `p2p:${bob}:${alice}`;
    const published = await events.publish('message.read', conv, {
      readerId: bob,
      conversationId: conv,
      conversationType: 1,
      previousReadSeq: 0,
      readSeq: 4,
      readAtMs: 99,
    });
    const push = await gateway.waitFor((r) => signalOf(r)?.cause?.eventId === published.eventId, 'receipt');
    assert.deepEqual(push.userIds, [alice]);
    assert.deepEqual(signalOf(push)?.payload, {
      $case: 'messageReceiptUpdated',
      value: { conversationId: conv, readerId: bob, readSeq: 4, readAtMs: 99 },
    });
  });

  test('group.member.joined becomes group.member.changed for every online member', async () => {
    const owner = await user('olga');
    const member = await user('mia');
    const joiner = await user('jon');
    const { group } = await call(groups, 'createGroup', {
      name: 'crew',
      ownerId: owner,
      memberIds: [member],
      groupId: '',
    });
    await call(groups, 'addGroupMember', {
      groupId: group!.groupId,
      userId: joiner,
      role: GroupRole.GROUP_ROLE_MEMBER,
    });
    await online(owner);
    await online(joiner);
    const published = await events.publish('group.member.joined', group!.groupId, {
      groupId: group!.groupId,
      userId: joiner,
      role: GroupRole.GROUP_ROLE_MEMBER,
      operatorId: owner,
      joinedSeq: 1,
      memberCount: 3,
    });
    const push = await gateway.waitFor(
      (r) => signalOf(r)?.cause?.eventId === published.eventId,
      'group.member.changed',
    );
    assert.deepEqual([...push.userIds].sort(), [owner, joiner].sort());
    const payload = signalOf(push)?.payload;
    assert.equal(payload?.$case, 'groupMemberChanged');
    assert.equal(payload?.$case === 'groupMemberChanged' && payload.value.memberCount, 3);
  });

  test('message.persist indexes the message for its members', async () => {
    const alice = await user('ike');
    const bob = await user('jay');
    const conv = alice < bob ? `p2p:${alice}:${bob}` : `p2p:${bob}:${alice}`;
    const saved = await call(messages, 'saveMessage', {
      message: {
        messageId: '',
        conversationId: conv,
        conversationType: 1,
        seq: 0,
        senderId: alice,
        clientMsgId: 'p1',
        contentType: 'text/plain',
        body: 'index me',
        sentAtMs: 0,
      },
    });
    await events.publish('message.persist', conv, { message: saved.message, memberIds: [alice, bob] });
    await task.waitForLine(
      (l) => l.msg === 'message indexed' && l.conversationId === conv,
      30_000,
      'the indexed log line',
    );
    const { conversations } = await call(messages, 'getUserConversations', { userId: bob });
    const found = conversations.find((c) => c.conversationId === conv);
    assert.equal(found?.lastMessage?.body, 'index me');
    assert.equal(found?.unreadCount, 1);
  });

  test('a gateway that is down is given up after retries and does not block what follows', async () => {
    const dan = await user('dan');
    const eve = await user('eve');
    const fay = await user('fay');
    await call(friends, 'addFriend', { userId: dan, friendId: eve });
    await call(friends, 'addFriend', { userId: fay, friendId: eve });
    await online(eve, 'gw-dead');
    await events.publish('user.online', dan, { userId: dan, gatewayId: 'gw-test', connId: 'c-d', onlineAtMs: 1 });
    await task.waitForLine(
      (l) => l.gatewayId === 'gw-dead' && /given up/.test(String(l.msg)),
      30_000,
      'the given-up log line',
    );
    // Eve moved to the live gateway; the next event on the same partition key range is handled normally.
    await call(presence, 'setUserOffline', { userId: eve, connId: `${eve}@gw-dead`, gatewayId: 'gw-dead' });
    await online(eve, 'gw-test');
    const published = await events.publish('user.online', fay, {
      userId: fay,
      gatewayId: 'gw-test',
      connId: 'c-f',
      onlineAtMs: 2,
    });
    const push = await gateway.waitFor((r) => signalOf(r)?.cause?.eventId === published.eventId, 'the next signal');
    assert.deepEqual(push.userIds, [eve]);
  });
});
