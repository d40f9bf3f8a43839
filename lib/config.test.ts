import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, EnvReader, readCommonConfig } from './config';

function rejects(fn: () => unknown, variable: string, problem: RegExp): void {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.variable, variable);
    assert.match(err.message, new RegExp(`^${variable}: `));
    assert.match(err.problem, problem);
    return true;
  });
}

test('string: required, default, minimum length, blank counts as unset', () => {
  const env = new EnvReader({ A: 'x', BLANK: '   ', SECRET: 'short' });
  assert.equal(env.string('A'), 'x');
  assert.equal(env.string('MISSING', { default: 'd' }), 'd');
  rejects(() => env.string('MISSING'), 'MISSING', /required/);
  rejects(() => env.string('BLANK'), 'BLANK', /required/);
  rejects(() => env.string('SECRET', { minLength: 16 }), 'SECRET', /at least 16 characters/);
  assert.equal(env.optionalString('BLANK'), undefined);
});

test('int: parses, checks the range, and names bad values', () => {
  const env = new EnvReader({ PORT: '8080', NEG: '-1', TEXT: '12ab', FLOAT: '1.5', HUGE: '99999999999999999999' });
  assert.equal(env.int('PORT', { min: 0, max: 65535 }), 8080);
  assert.equal(env.int('UNSET', { default: 0 }), 0);
  rejects(() => env.int('NEG', { min: 0 }), 'NEG', />= 0 \(got -1\)/);
  rejects(() => env.int('PORT', { max: 1000 }), 'PORT', /<= 1000/);
  rejects(() => env.int('TEXT'), 'TEXT', /integer \(got "12ab"\)/);
  rejects(() => env.int('FLOAT'), 'FLOAT', /integer/);
  rejects(() => env.int('HUGE'), 'HUGE', /range/);
  rejects(() => env.int('UNSET'), 'UNSET', /required/);
});

test('list and host:port lists', () => {
  const env = new EnvReader({ BROKERS: ' 127.0.0.1:9092, ,localhost:9093 ', ONLY_COMMAS: ',,', BAD: 'host' });
  assert.deepEqual(env.hostPorts('BROKERS'), ['127.0.0.1:9092', 'localhost:9093']);
  assert.deepEqual(env.list('UNSET', { default: [] }), []);
  rejects(() => env.list('ONLY_COMMAS'), 'ONLY_COMMAS', /at least 1/);
  rejects(() => env.hostPorts('BAD'), 'BAD', /host:port/);
  rejects(() => env.hostPort('UNSET'), 'UNSET', /required/);
  rejects(() => new EnvReader({ P: 'h:70000' }).hostPort('P'), 'P', /1 to 65535/);
});

test('oneOf and the common service config', () => {
  const env = new EnvReader({ GOCHAT_LOG_LEVEL: 'loud', GRPC_PORT: '50051' });
  rejects(() => readCommonConfig(env, 'im-repo'), 'GOCHAT_LOG_LEVEL', /one of fatal, error/);
  const ok = readCommonConfig(new EnvReader({ GRPC_PORT: '50051', GOCHAT_DATA_DIR: '/tmp/x' }), 'im-repo');
  assert.deepEqual(ok, {
    instanceId: 'im-repo',
    logLevel: 'info',
    grpcHost: '127.0.0.1',
    grpcPort: 50051,
    dataDir: '/tmp/x',
  });
});
