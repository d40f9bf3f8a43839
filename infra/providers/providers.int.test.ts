import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker } from '../kafka-broker/index';
import { startRespServer } from '../resp-server/index';
import { probeContainerRuntime, startInfra, InfraUnavailableError, type RunningInfra } from './index';
import { freePort } from './free-port';
import { findRedisServerBinary } from './redis-server-process';
import { assertInfraWorks, tempDir } from './test-support';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (!findRedisServerBinary() && process.env.CI === 'true') {
  throw new Error('redis-server is required in CI for the embedded provider test');
}

describe('embedded infra', () => {
  test('runs the broker in-process and redis-server as a child (restarted if killed), each keeping its data in the data dir', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const changedPids: Array<number | null> = [];
    const infra = await startInfra('embedded', {
      dataDir,
      env: {},
      progress: (line) => lines.push(line),
      onComponentChange: (component) => changedPids.push(component.pid),
    });
    let redisPid: number | null = null;
    try {
      assert.equal(infra.kind, 'embedded');
      assert.ok(infra.embeddedBroker, 'the broker handle is offered to the console');
      await assertInfraWorks(infra);
      const redis = infra.components.find((component) => component.name === 'redis');
      redisPid = redis?.pid ?? null;
      if (findRedisServerBinary()) {
        assert.match(redis?.description ?? '', /redis-server child process/);
        assert.ok(redisPid !== null && redisPid !== process.pid && alive(redisPid));
      }
      assert.ok(existsSync(join(dataDir, 'kafka')), 'the Kafka log is under <data-dir>/kafka');
      if (redis && redisPid !== null && redisPid !== process.pid) {
        // redis-server killed outright comes back on the same address.
        process.kill(redisPid, 'SIGKILL');
        const deadline = Date.now() + 20_000;
        while (redis.pid === redisPid) {
          assert.ok(Date.now() < deadline, 'redis-server was not restarted within 20 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(lines.some((line) => /redis-server \(pid \d+\) exited \(SIGKILL\); restarting it/.test(line)));
        redisPid = redis.pid;
        assert.deepEqual(changedPids, [redisPid], 'the supervisor is told the new pid');
        await assertInfraWorks(infra);
      }
    } finally {
      await infra.stop();
    }
    if (findRedisServerBinary()) {
      assert.ok(redisPid !== null && !alive(redisPid), 'redis-server stops with the infra');
      assert.ok(existsSync(join(dataDir, 'redis', 'dump.rdb')), 'redis-server wrote its dump under <data-dir>/redis');
    }
  });
});

describe('infra auto choice', () => {
  test('with no container runtime and no KAFKA_BROKERS, auto falls back to embedded and says why', async (t) => {
    const probe = await probeContainerRuntime(process.env);
    if (probe.available) {
      t.skip(`a container runtime is present (${probe.description}); the no-runtime fallback is not exercised here`);
      return;
    }
    const lines: string[] = [];
    const startedAt = Date.now();
    const infra = await startInfra('auto', { dataDir: tempDir(), env: {}, progress: (line) => lines.push(line) });
    try {
      const decided = lines.find((line) => line.startsWith('infra: auto chose'));
      assert.match(
        decided ?? '',
        /^infra: auto chose embedded after \d+ ms: KAFKA_BROKERS is not set and no container runtime found \(checked .*DOCKER_HOST/,
      );
      assert.equal(infra.kind, 'embedded');
      assert.match(infra.reason, /no container runtime/);
      t.diagnostic(`${decided ?? ''} (whole auto start ${Date.now() - startedAt} ms)`);
    } finally {
      await infra.stop();
    }
  });

  test('auto picks external when KAFKA_BROKERS is set', async () => {
    const broker = await startBroker({ dataDir: tempDir(), port: 0 });
    const redis = await startRespServer();
    try {
      const lines: string[] = [];
      const infra = await startInfra('auto', {
        dataDir: tempDir(),
        env: { KAFKA_BROKERS: broker.address, REDIS_URL: redis.url },
        progress: (line) => lines.push(line),
      });
      assert.equal(infra.kind, 'external');
      assert.ok(lines.includes('infra: auto chose external: KAFKA_BROKERS is set'));
      await assertInfraWorks(infra);
      await infra.stop();
    } finally {
      await redis.stop();
      await broker.stop();
    }
  });
});

describe('external infra', () => {
  const started: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of started) await stop();
  });

  const startExternal = (env: NodeJS.ProcessEnv): Promise<RunningInfra> =>
    startInfra('external', { dataDir: tempDir(), env, progress: () => undefined });

  test('missing or malformed variables are named', async () => {
    await assert.rejects(startExternal({ REDIS_URL: 'redis://127.0.0.1:1' }), /needs KAFKA_BROKERS/);
    await assert.rejects(startExternal({ KAFKA_BROKERS: '127.0.0.1:1' }), /needs REDIS_URL/);
    await assert.rejects(
      startExternal({ KAFKA_BROKERS: 'nohostport', REDIS_URL: 'redis://x:1' }),
      /KAFKA_BROKERS: must be host:port .*\(got "nohostport"\)/,
    );
    await assert.rejects(
      startExternal({ KAFKA_BROKERS: '127.0.0.1:1', REDIS_URL: 'http://x' }),
      /REDIS_URL must start with redis:\/\//,
    );
  });

  test('an unreachable Kafka or Redis is reported with the variable and what to do', async () => {
    const broker = await startBroker({ dataDir: tempDir(), port: 0 });
    started.push(() => broker.stop());
    const redis = await startRespServer();
    started.push(() => redis.stop());
    const deadPort = await freePort();
    await assert.rejects(
      startExternal({ KAFKA_BROKERS: `127.0.0.1:${deadPort}`, REDIS_URL: redis.url }),
      (err: unknown) =>
        err instanceof InfraUnavailableError &&
        /Kafka at KAFKA_BROKERS=127\.0\.0\.1:\d+ is not reachable/.test(err.message) &&
        /--infra embedded/.test(err.message),
    );
    await assert.rejects(
      startExternal({ KAFKA_BROKERS: broker.address, REDIS_URL: `redis://127.0.0.1:${deadPort}` }),
      /Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+ is not reachable/,
    );
  });
});

describe('container infra', () => {
  test('Redpanda and Redis in containers carry a record and a key', async (t) => {
    const probe = await probeContainerRuntime(process.env);
    if (!probe.available) {
      t.skip(`NOT EXERCISED: no container runtime here (${probe.reason})`);
      return;
    }
    const infra = await startInfra('containers', {
      dataDir: tempDir(),
      env: process.env,
      progress: (line) => t.diagnostic(line),
    });
    try {
      assert.equal(infra.kind, 'containers');
      await assertInfraWorks(infra);
    } finally {
      await infra.stop();
    }
  });

  test('asking for containers with no runtime fails at once with the reason', async (t) => {
    const probe = await probeContainerRuntime(process.env);
    if (probe.available) {
      t.skip(`a container runtime is present (${probe.description}); the no-runtime error is not exercised here`);
      return;
    }
    await assert.rejects(
      startInfra('containers', { dataDir: tempDir(), env: process.env, progress: () => undefined }),
      /--infra containers: no container runtime found \(checked DOCKER_HOST/,
    );
  });
});
