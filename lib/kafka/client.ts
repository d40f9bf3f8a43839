// A kafkajs client whose own logs go through our logger (warn and above only, so they stay readable).
import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from '../log';
import './request-queue-fix';
import './produce-encoder';
import './fetch-decoder';

export interface KafkaOptions {
  brokers: string[];
  /** Shown in the broker's logs and in kafkajs's own, e.g. "im-logic-1". */
  clientId: string;
  logger: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

// kafkajs says this once per idempotent producer whose retries we bound on purpose (see EventPublisher).
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

export function kafkaLogCreator(logger: Logger): () => (entry: LogEntry) => void {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ignored, ...extra } = log;
      if (EXPECTED_WARNINGS.some((text) => message.startsWith(text))) return;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) kafkaLogger.error(fields, message);
      else if (level === logLevel.WARN) kafkaLogger.warn(fields, message);
      else kafkaLogger.debug(fields, message);
    };
}

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    // Waits between retries stay short (at most 2 s) so a restarted broker is found within ~2 s of answering,
    // and there are enough of them to ride out a restart of ~15 s before a client gives up.
    retry: options.retry ?? { initialRetryTime: 100, retries: 12, maxRetryTime: 2000 },
  });
}
