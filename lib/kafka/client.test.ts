import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { createLogger } from '../log';
import { kafkaLogCreator } from './client';

test('kafkajs log entries become our JSON lines: warnings and errors shown, chatter kept at debug', () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n'))
        if (text) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: 'im-task', instance: 'im-task-1', level: 'info', destination });
  const log = kafkaLogCreator(logger)();
  const entry = (level: logLevel, message: string) => ({
    namespace: 'Connection',
    level,
    label: logLevel[level],
    log: { timestamp: '2026-01-01T00:00:00.000Z', message, broker: '127.0.0.1:9092' },
  });
  log(entry(logLevel.INFO, 'consumer has joined the group'));
  log(entry(logLevel.WARN, 'Connection timeout'));
  log(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded'));
  log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.component, l.namespace, l.broker, l.service]),
    [
      ['warn', 'Connection timeout', 'kafkajs', 'Connection', '127.0.0.1:9092', 'im-task'],
      ['error', 'Crash: KafkaJSNumberOfRetriesExceeded', 'kafkajs', 'Connection', '127.0.0.1:9092', 'im-task'],
    ],
  );
});
