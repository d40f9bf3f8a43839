// im-repo as a process: started like the supervisor starts it, called over gRPC, stopped with SIGTERM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { ChannelCredentials, Client } from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConversationType } from '../../proto/gen/gochat/common/v1/common';
import {
  FriendServiceClient,
  GroupServiceClient,
  MessageServiceClient,
  PresenceServiceClient,
  UserServiceClient,
} from '../../proto/gen/gochat/repo/v1/repo';
import { InvalidArgument, NotFound, Unavailable } from '../../lib/errors';
import { call, checkHealth, connectClient, ServingStatus } from '../../lib/grpc';
import { HealthClient, type HealthCheckResponse } from '../../proto/gen/grpc/health/v1/health';
import { missingPrerequisite, startRedis, type RedisProcess } from '../../e2e/support/redis';

const root = new URL('../..', import.meta.url).pathname;

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function startRepoProcess(env: Record<string, string>): {
  child: ChildProcess;
  lines: LogLine[];
  ready: Promise<LogLine>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/im-repo/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  const ready = new Promise<LogLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`im-repo not ready in 20 s: ${JSON.stringify(lines)}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (line.msg === 'ready') {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`im-repo exited with ${code} before ready: ${JSON.stringify(lines)}`));
    });
  });
  return { child, lines, ready };
}

const message = (conversationId: string, senderId: string, clientMsgId: string) => ({
  messageId: '',
  conversationId,
  conversationType: ConversationType.CONVERSATION_TYPE_UNSPECIFIED,
  seq: 0,
  senderId,
  clientMsgId,
  contentType: 'text/plain',
  body: `body of ${clientMsgId}`,
  sentAtMs: 0,
});

const skip = missingPrerequisite();
if (skip) {
  test('im-repo process', { skip }, () => undefined);
} else {
  describe('im-repo process over gRPC', () => {
    let redis: RedisProcess;
    let dataDir: string;
    let proc: ReturnType<typeof startRepoProcess>;
    let address: string;
    const clients: Client[] = [];

    before(async () => {
      redis = await startRedis();
      dataDir = mkdtempSync(join(tmpdir(), 'im-repo-main-'));
      proc = startRepoProcess({
        GOCHAT_INSTANCE_ID: 'im-repo-test',
        GRPC_PORT: '0',
        REDIS_URL: redis.url,
        GOCHAT_DATA_DIR: dataDir,
      });
      const ready = await proc.ready;
      address = String(ready.grpcAddress);
    });
    after(async () => {
      for (const client of clients) client.close();
      if (proc?.child.exitCode === null) proc.child.kill('SIGKILL');
      await redis?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    function client<C extends Client>(Ctor: new (address: string, creds: ChannelCredentials) => C): C {
      const c = connectClient(Ctor, address);
      clients.push(c);
      return c;
    }

    test('logs one ready line with the gRPC address, and serves health', async () => {
      assert.match(address, /^127\.0\.0\.1:\d+$/);
      const ready = proc.lines.filter((l) => l.msg === 'ready');
      assert.equal(ready.length, 1);
      assert.equal(ready[0]?.service, 'im-repo');
      assert.equal(ready[0]?.instance, 'im-repo-test');
      assert.equal(await checkHealth(address), ServingStatus.SERVING);
      for (const name of ['PresenceService', 'UserService', 'FriendService', 'GroupService', 'MessageService']) {
        assert.equal(await checkHealth(address, `gochat.repo.v1.${name}`), ServingStatus.SERVING, name);
      }
    });

    test('users, friends, messages and presence work end to end', async () => {
      const users = client(UserServiceClient);
      const friends = client(FriendServiceClient);
      const messages = client(MessageServiceClient);
      const presence = client(PresenceServiceClient);
      const groups = client(GroupServiceClient);

      const alice = (
        await call(users, 'createUser', {
          username: 'alice',
          displayName: 'Alice',
          passwordHash: 'scrypt$a',
          userId: '',
        })
      ).user;
      const bob = (
        await call(users, 'createUser', { username: 'bob', displayName: 'Bob', passwordHash: 'scrypt$b', userId: '' })
      ).user;
      assert.ok(alice && bob);
      assert.equal((await call(users, 'getCredential', { username: 'alice' })).passwordHash, 'scrypt$a');
      assert.equal((await call(friends, 'addFriend', { userId: alice.userId, friendId: bob.userId })).created, true);

      const conv =
        alice.userId < bob.userId ? `p2p:${alice.userId}:${bob.userId}` : `p2p:${bob.userId}:${alice.userId}`;
      const saved = await call(messages, 'saveMessage', { message: message(conv, alice.userId, 'c-1') });
      assert.equal(saved.duplicate, false);
      assert.equal(saved.message?.seq, 1);
      const retry = await call(messages, 'saveMessage', { message: message(conv, alice.userId, 'c-1') });
      assert.equal(retry.duplicate, true);
      assert.equal(retry.message?.messageId, saved.message?.messageId);

      await call(messages, 'indexMessage', { message: saved.message, memberIds: [alice.userId, bob.userId] });
      const [conversation] = (await call(messages, 'getUserConversations', { userId: bob.userId })).conversations;
      assert.equal(conversation?.conversationId, conv);
      assert.equal(conversation?.unreadCount, 1);
      assert.equal(conversation?.title, 'Alice');

      const online = await call(presence, 'setUserOnline', {
        userId: bob.userId,
        connId: 'conn-1',
        gatewayId: 'gw-1',
        ttlMs: 30_000,
      });
      assert.deepEqual(online, { firstConnection: true, connectionCount: 1 });
      const [bobPresence] = (await call(presence, 'getUsersPresence', { userIds: [bob.userId] })).users;
      assert.equal(bobPresence?.connections[0]?.gatewayId, 'gw-1');

      await assert.rejects(
        call(groups, 'getGroup', { groupId: 'missing' }),
        (err) => err instanceof NotFound && err.code === 'GROUP_NOT_FOUND',
      );
    });

    test('bad input is answered with InvalidArgument naming the field, and the process keeps serving', async () => {
      const messages = client(MessageServiceClient);
      await assert.rejects(call(messages, 'saveMessage', { message: message('nonsense', 'u1', 'x') }), (err) => {
        assert.ok(err instanceof InvalidArgument);
        assert.match(err.message, /message\.conversation_id "nonsense"/);
        return true;
      });
      await assert.rejects(
        call(messages, 'pullMessages', { conversationId: 'group:g', fromSeq: 5, toSeq: 1, limit: 0 }),
        /to_seq 1 is before from_seq 5/,
      );
      assert.equal(await checkHealth(address), ServingStatus.SERVING);
    });

    test('when Redis goes away, presence fails as Unavailable and reports NOT_SERVING; messages keep working', async () => {
      const presence = client(PresenceServiceClient);
      const messages = client(MessageServiceClient);
      await redis.stop();
      await assert.rejects(
        call(presence, 'getUsersPresence', { userIds: ['anyone'] }, { deadlineMs: 10_000 }),
        (err) => err instanceof Unavailable,
      );
      assert.equal(await checkHealth(address, 'gochat.repo.v1.PresenceService'), ServingStatus.NOT_SERVING);
      const pulled = await call(messages, 'pullMessages', {
        conversationId: 'group:nobody',
        fromSeq: 0,
        toSeq: 0,
        limit: 0,
      });
      assert.equal(pulled.maxSeq, 0);
    });

    test('when Redis comes back, presence serves again without an im-repo restart', async () => {
      const presence = client(PresenceServiceClient);
      const health = client(HealthClient);
      const serving = new Promise<void>((resolve, reject) => {
        const stream = health.watch({ service: 'gochat.repo.v1.PresenceService' });
        const timer = setTimeout(() => reject(new Error('PresenceService not SERVING within 20 s')), 20_000);
        stream.on('data', (res: HealthCheckResponse) => {
          if (res.status !== ServingStatus.SERVING) return;
          clearTimeout(timer);
          stream.cancel();
          resolve();
        });
        stream.on('error', () => undefined);
      });
      redis = await startRedis({ port: redis.port });
      await serving;
      const res = await call(presence, 'setUserOnline', { userId: 'back', connId: 'c', gatewayId: 'gw-1', ttlMs: 0 });
      assert.equal(res.firstConnection, true);
    });

    test('SIGTERM stops it gracefully with exit code 0', async () => {
      const exited = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
      proc.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(proc.lines.some((l) => l.msg === 'stopped'));
    });
  });
}

test('every acknowledged message survives a SIGKILL, with seqs contiguous after the restart', { skip }, async () => {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'im-repo-kill-'));
  const env = { GRPC_PORT: '0', REDIS_URL: redis.url, GOCHAT_DATA_DIR: dataDir };
  const conv = 'p2p:kim:lee';
  let acked = 0;
  try {
    const first = startRepoProcess(env);
    const firstAddress = String((await first.ready).grpcAddress);
    const messages = connectClient(MessageServiceClient, firstAddress);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    // Sends keep going while the process is killed; only acknowledged ones are counted.
    const sending = (async () => {
      for (let i = 0; ; i++) {
        try {
          await call(messages, 'saveMessage', { message: message(conv, 'kim', `k-${i}`) }, { deadlineMs: 2000 });
          acked += 1;
          if (acked === 60) first.child.kill('SIGKILL');
        } catch {
          return;
        }
      }
    })();
    await sending;
    await exited;
    messages.close();
    assert.ok(acked >= 60);

    const second = startRepoProcess(env);
    const secondAddress = String((await second.ready).grpcAddress);
    const reopened = connectClient(MessageServiceClient, secondAddress);
    try {
      const pulled = await call(reopened, 'pullMessages', {
        conversationId: conv,
        fromSeq: 1,
        toSeq: 0,
        limit: 1000,
      });
      assert.ok(pulled.messages.length >= acked, `${pulled.messages.length} stored, ${acked} acknowledged`);
      assert.deepEqual(
        pulled.messages.map((m) => m.seq),
        pulled.messages.map((_, i) => i + 1),
      );
      const next = await call(reopened, 'saveMessage', { message: message(conv, 'lee', 'after-restart') });
      assert.equal(next.message?.seq, pulled.maxSeq + 1);
    } finally {
      reopened.close();
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bad setting stops im-repo at start with exit code 2, naming the variable', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/im-repo/main.ts'], {
    cwd: root,
    env: { ...process.env, REDIS_URL: 'not-a-url', SQLITE_PATH: '/tmp/unused.db', GRPC_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  const line = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as LogLine;
  assert.equal(line.level, 'fatal');
  assert.equal(line.variable, 'REDIS_URL');
});
