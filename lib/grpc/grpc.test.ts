import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, makeGenericClientConstructor, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { UserServiceClient, UserServiceService, type GetUsersRequest } from '../../proto/gen/gochat/repo/v1/repo';
import { HealthClient, type HealthCheckResponse } from '../../proto/gen/grpc/health/v1/health';
import { InvalidArgument, NotFound, Unavailable } from '../errors';
import { silentLogger } from '../log';
import { newRootTraceparent, traceIdOf } from '../trace';
import {
  call,
  checkHealth,
  connectClient,
  serviceOf,
  ServingStatus,
  startGrpcServer,
  type AsyncService,
  type CallContext,
  type RunningGrpcServer,
} from './index';

const seenContexts: CallContext[] = [];
const users: AsyncService<typeof UserServiceService> = {
  async createUser(req) {
    if (req.username === '') throw new InvalidArgument('username is required', { code: 'USERNAME_REQUIRED' });
    throw new Error('secret database detail');
  },
  async getCredential(req) {
    throw new NotFound(`no user named "${req.username}"`);
  },
  async getUsers(req: GetUsersRequest, ctx) {
    seenContexts.push(ctx);
    if (req.userIds.includes('slow')) await new Promise((r) => setTimeout(r, 300));
    return { users: req.userIds.map((id) => ({ userId: id, username: id, displayName: id, createdAtMs: 1 })) };
  },
  async listUsers() {
    return undefined as never;
  },
};

describe('gRPC server and client helpers', () => {
  let server: RunningGrpcServer;
  let client: UserServiceClient;

  before(async () => {
    server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      services: [serviceOf(UserServiceService, users)],
      logger: silentLogger(),
    });
    client = connectClient(UserServiceClient, server.address);
  });
  after(async () => {
    client.close();
    await server.shutdown(1000);
  });

  test('binds a free port and reports it', () => {
    assert.ok(server.port > 0);
    assert.equal(server.address, `127.0.0.1:${server.port}`);
  });

  test('a call resolves with the typed response', async () => {
    const res = await call(client, 'getUsers', { userIds: ['u1', 'u2'] });
    assert.deepEqual(
      res.users.map((u) => u.userId),
      ['u1', 'u2'],
    );
  });

  test('the caller trace continues on the server as a child span', async () => {
    const traceparent = newRootTraceparent();
    await call(client, 'getUsers', { userIds: ['t'] }, { traceparent });
    const ctx = seenContexts.at(-1);
    assert.ok(ctx);
    assert.equal(traceIdOf(ctx.traceparent), traceIdOf(traceparent));
    assert.notEqual(ctx.traceparent, traceparent);
    assert.equal(ctx.method, '/gochat.repo.v1.UserService/GetUsers');
  });

  test('a domain error reaches the caller with its kind, specific code and message', async () => {
    await assert.rejects(
      call(client, 'createUser', { username: '', displayName: '', passwordHash: '', userId: '' }),
      (err) => {
        assert.ok(err instanceof InvalidArgument);
        assert.equal(err.code, 'USERNAME_REQUIRED');
        assert.equal(err.message, 'username is required');
        return true;
      },
    );
    await assert.rejects(call(client, 'getCredential', { username: 'nobody' }), (err) => {
      assert.ok(err instanceof NotFound);
      assert.equal(err.code, 'NOT_FOUND');
      return true;
    });
  });

  test('an unexpected error becomes INTERNAL without leaking its message, and the server keeps serving', async () => {
    await assert.rejects(
      call(client, 'createUser', { username: 'x', displayName: '', passwordHash: '', userId: '' }),
      (err) => {
        assert.equal((err as Error).name, 'Internal');
        assert.doesNotMatch((err as Error).message, /secret/);
        return true;
      },
    );
    await assert.rejects(call(client, 'listUsers', { page: undefined }), { name: 'Internal' });
    const res = await call(client, 'getUsers', { userIds: ['still-here'] });
    assert.equal(res.users.length, 1);
  });

  test('a deadline that passes fails the call as Unavailable/DEADLINE_EXCEEDED', async () => {
    await assert.rejects(call(client, 'getUsers', { userIds: ['slow'] }, { deadlineMs: 50 }), (err) => {
      assert.ok(err instanceof Unavailable);
      assert.equal(err.code, 'DEADLINE_EXCEEDED');
      return true;
    });
  });

  test('a request that is not valid protobuf is refused without harming the server', async () => {
    const Raw = makeGenericClientConstructor(
      {
        getUsers: {
          path: '/gochat.repo.v1.UserService/GetUsers',
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: Buffer) => value,
          requestDeserialize: (value: Buffer) => value,
          responseSerialize: (value: Buffer) => value,
          responseDeserialize: (value: Buffer) => value,
        },
      },
      'Raw',
    );
    const raw = new Raw(server.address, credentials.createInsecure()) as unknown as {
      getUsers(req: Buffer, cb: (err: ServiceError | null) => void): void;
      close(): void;
    };
    const err = await new Promise<ServiceError | null>((resolve) =>
      raw.getUsers(Buffer.from([0x0a, 0xff, 0xff]), resolve),
    );
    raw.close();
    assert.ok(err);
    assert.notEqual(err.code, status.OK);
    assert.equal((await call(client, 'getUsers', { userIds: ['after-garbage'] })).users.length, 1);
  });

  test('health Check answers for the server and each service, NOT_FOUND for others', async () => {
    assert.equal(await checkHealth(server.address, ''), ServingStatus.SERVING);
    assert.equal(await checkHealth(server.address, 'gochat.repo.v1.UserService'), ServingStatus.SERVING);
    await assert.rejects(checkHealth(server.address, 'no.such.Service'), /unknown service/);
  });

  test('health Watch streams the current status and every change', async () => {
    const health = connectClient(HealthClient, server.address);
    const stream = health.watch({ service: 'gochat.repo.v1.UserService' }, new Metadata());
    const statuses: ServingStatus[] = [];
    const gotTwo = new Promise<void>((resolve, reject) => {
      stream.on('data', (msg: HealthCheckResponse) => {
        statuses.push(msg.status);
        if (statuses.length === 1) server.setStatus('gochat.repo.v1.UserService', false);
        if (statuses.length === 2) resolve();
      });
      stream.on('error', (err: Error & { code?: number }) => {
        if (err.code !== 1) reject(err);
      });
    });
    await gotTwo;
    stream.cancel();
    health.close();
    assert.deepEqual(statuses, [ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    server.setStatus('gochat.repo.v1.UserService', true);
  });
});

test('shutdown reports NOT_SERVING and closes the port', async () => {
  const server = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [], logger: silentLogger() });
  assert.equal(await checkHealth(server.address), ServingStatus.SERVING);
  await server.shutdown(500);
  await assert.rejects(checkHealth(server.address, '', 500));
});

test('a port already in use is reported with the address', async () => {
  const first = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [], logger: silentLogger() });
  try {
    await assert.rejects(
      startGrpcServer({ host: '127.0.0.1', port: first.port, services: [], logger: silentLogger() }),
      new RegExp(`cannot listen for gRPC on 127.0.0.1:${first.port}`),
    );
  } finally {
    await first.shutdown(500);
  }
});

test('waitForReady lets a call wait for a server that is still starting', async () => {
  const probe = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [], logger: silentLogger() });
  const port = probe.port;
  await probe.shutdown(100);
  const client = connectClient(UserServiceClient, `127.0.0.1:${port}`);
  try {
    await assert.rejects(call(client, 'getUsers', { userIds: [] }, { deadlineMs: 2000 }), Unavailable);
    const pending = call(client, 'getUsers', { userIds: ['late'] }, { deadlineMs: 10_000, waitForReady: true });
    const late = await startGrpcServer({
      host: '127.0.0.1',
      port,
      services: [serviceOf(UserServiceService, users)],
      logger: silentLogger(),
    });
    try {
      assert.deepEqual(
        (await pending).users.map((u) => u.userId),
        ['late'],
      );
    } finally {
      await late.shutdown(500);
    }
  } finally {
    client.close();
  }
});
