import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './log';

test('log lines are JSON with level name, time, service, instance and msg', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      callback();
    },
  });
  const logger = createLogger({ service: 'im-repo', instance: 'im-repo-1', level: 'info', destination });
  logger.debug('hidden');
  logger.info({ grpcAddress: '127.0.0.1:5000' }, 'ready');
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(line.level, 'info');
  assert.equal(line.service, 'im-repo');
  assert.equal(line.instance, 'im-repo-1');
  assert.equal(line.msg, 'ready');
  assert.equal(line.grpcAddress, '127.0.0.1:5000');
  assert.equal(typeof line.time, 'number');
});
