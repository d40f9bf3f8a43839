// Consuming domain events: decode with the registry, run the handler, and commit a record's offset only after its
// handler succeeded. A failing handler is retried with backoff (never skipped silently); a record that cannot be
// decoded is logged with the reason and skipped, so one bad record cannot stall a partition forever.
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';
import type { Logger } from '../log';
import { endFailed, SpanKind, startSpan, traceparentOf, withActiveSpan, type Span } from '../telemetry';
import { isValidTraceparent, traceIdOf } from '../trace';
import { injectedLatencyMs, noteConsumerRunning } from './injected-latency';
import { PartitionLanes } from './partition-lanes';
import { decodeRecord, type EventMessages, type EventType } from './registry';
import type { TopicName } from './topics';
import { backoffMs } from '../backoff';
import { WakeableSleep } from '../wakeable-sleep';

/**
 * Thrown by a handler for a record that can never be handled (e.g. it refers to something that no longer exists):
 * the consumer logs it with the reason and moves past it instead of retrying forever.
 */
export class SkipRecord extends Error {
  override readonly name = 'SkipRecord';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
  }
}

export interface ConsumedEvent<K extends EventType = EventType> {
  type: K;
  message: EventMessages[K];
  meta: EventMeta | undefined;
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  /** A span for handling this record, in the trace of whoever published it. */
  traceparent: string;
}

/** A consumed event, narrowed by `type`. */
export type AnyConsumedEvent = { [K in EventType]: ConsumedEvent<K> }[EventType];

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly TopicName[];
  /** Where a group without committed offsets starts (default false: only new records). */
  fromBeginning?: boolean;
  logger: Logger;
  /**
   * Handles one record; records of a partition are handled one after another. A failure retries that record.
   * Give exactly one of handle and handleBatch.
   */
  handle?: (event: AnyConsumedEvent) => Promise<void>;
  /**
   * Handles the records of one partition that arrived together (at most MAX_BATCH_RECORDS, in offset order), so
   * the work can share one storage transaction and one produce request. It decides per record (a refused record
   * is answered, not thrown); a thrown error retries the whole batch, so the work must be idempotent.
   */
  handleBatch?: (events: AnyConsumedEvent[]) => Promise<void>;
  /**
   * Backoff between attempts of a failing handler (default 100 ms doubling up to 1 s: a dependency that comes back,
   * say a restarted im-repo, is used within a second).
   */
  retry?: { initialMs?: number; maxMs?: number };
  /** How long to wait for the first group join before giving up (default 30 s). */
  joinTimeoutMs?: number;
  sessionTimeoutMs?: number;
  /** Longest a fetch waits for new records; short so a broker without long-poll wake-ups still feels live. */
  maxWaitTimeMs?: number;
  /**
   * Bytes a fetch waits for (up to maxWaitTimeMs) before it returns (default 1: at once). A consumer that is not on
   * a client's critical path can trade a few milliseconds for fewer, larger batches.
   */
  minBytes?: number;
  /**
   * Called when the consumer died of an error it will not restart after, so the records would stop flowing.
   * Default: log fatal and exit the process with code 1, so the supervisor sees the failure and restarts it.
   */
  onFatal?: (err: unknown) => void;
}

export interface RunningEventConsumer {
  groupId: string;
  /** Stops fetching, lets the record in hand finish (or abandons its retries without committing), leaves the group. */
  stop(): Promise<void>;
}

const COMMIT_INTERVAL_MS = 200;
/** Records fetched but not yet handled, over all partitions, beyond which fetching waits. */
const MAX_QUEUED_RECORDS = 4 * 500;
/** Most traces given a commit span per commit: one commit covers many records, drawing it in each would cost. */
const MAX_COMMIT_SPANS = 32;
/** Most records given to one handleBatch call. */
export const MAX_BATCH_RECORDS = 500;

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

export async function startEventConsumer(options: EventConsumerOptions): Promise<RunningEventConsumer> {
  const { kafka, groupId, logger: baseLogger } = options;
  if ((options.handle === undefined) === (options.handleBatch === undefined)) {
    throw new Error(`consumer ${groupId}: give exactly one of handle and handleBatch`);
  }
  const logger = baseLogger.child({ consumerGroup: groupId });
  const initialMs = options.retry?.initialMs ?? 100;
  const maxMs = options.retry?.maxMs ?? 1000;
  const consumer: Consumer = kafka.consumer({
    groupId,
    // Short enough that on external Kafka a dead member is noticed within seconds (the embedded broker drops it
    // when its connection closes), long enough for a busy event loop; members learn of a rebalance at the next
    // heartbeat, so it is frequent.
    sessionTimeout: options.sessionTimeoutMs ?? 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
    minBytes: options.minBytes ?? 1,
  });

  let stopping = false;
  // Retry backoffs and injected latency: cut short when the consumer stops.
  const sleeps = new WakeableSleep();
  const sleep = (ms: number): Promise<void> => sleeps.sleep(ms);

  // Handled offsets are committed together, for every partition at once, at most every COMMIT_INTERVAL_MS (and
  // once more on stop), so a busy consumer does not wait for a commit round trip per batch. A crash or rebalance
  // may redeliver what was handled since the last commit, which handlers tolerate because they are idempotent.
  const uncommitted = new Map<string, { topic: string; partition: number; offset: string }>();
  let lastCommitAt = 0;
  let commitTimer: NodeJS.Timeout | undefined;
  let committing: Promise<void> = Promise.resolve();
  // Records handled since the last commit, by trace: each gets a span for the commit that covers it.
  const toCommit = new Map<string, { span: Span; topic: string; partition: number }>();
  const commitHandled = (): Promise<void> => {
    clearTimeout(commitTimer);
    commitTimer = undefined;
    if (uncommitted.size === 0) return committing;
    const offsets = [...uncommitted.values()];
    uncommitted.clear();
    const commitSpans = [...toCommit.values()].map(({ span, topic, partition }) =>
      startSpan(`commit ${topic}`, {
        kind: SpanKind.CLIENT,
        parent: traceparentOf(span),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'commit',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(uncommittedOffset(offsets, topic, partition)),
          'messaging.consumer.group.name': groupId,
        },
      }),
    );
    toCommit.clear();
    lastCommitAt = Date.now();
    committing = committing
      .then(() => consumer.commitOffsets(offsets))
      .then(
        () => {
          for (const span of commitSpans) span.end();
        },
        (err: unknown) => {
          for (const span of commitSpans) endFailed(span, err);
          // Offsets are cumulative: the next successful commit covers these records.
          logger.warn({ err, offsets }, 'offset commit failed');
        },
      );
    return committing;
  };
  const noteHandled = (topic: string, partition: number, offset: string): void => {
    uncommitted.set(`${topic}/${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    const wait = COMMIT_INTERVAL_MS - (Date.now() - lastCommitAt);
    if (wait <= 0) void commitHandled();
    else if (commitTimer === undefined) {
      commitTimer = setTimeout(() => void commitHandled(), wait);
      commitTimer.unref();
    }
  };

  // Each decoded record's span, from decode until its handler settled; then it waits for the commit that covers it.
  const spanOf = new WeakMap<AnyConsumedEvent, Span>();
  const endRecordSpans = (events: AnyConsumedEvent[], handled: boolean): void => {
    for (const event of events) {
      const span = spanOf.get(event);
      if (!span) continue;
      if (!handled) {
        endFailed(span, new Error('abandoned at stop; the record will be redelivered'));
        continue;
      }
      span.end();
      const traceId = span.spanContext().traceId;
      if (toCommit.size < MAX_COMMIT_SPANS && !toCommit.has(traceId))
        toCommit.set(traceId, { span, topic: event.topic, partition: event.partition });
    }
  };

  // Fetching runs ahead of handling (partition-lanes.ts): eachBatch queues a fetched batch on its partition's
  // lane and returns, so kafkajs fetches again at once instead of after the slowest partition's handler.
  let heartbeatNow: () => Promise<void> = () => Promise.resolve();
  const lanes = new PartitionLanes(
    (topic, partition, messages) => handleChunk(topic, partition, messages),
    { maxChunk: MAX_BATCH_RECORDS, maxQueued: MAX_QUEUED_RECORDS },
    (err, from) => {
      logger.error({ err, ...from }, 'handling stopped on an error; fetching again from the first unhandled record');
      try {
        if (!stopping) consumer.seek(from);
      } catch (seekErr) {
        // Not running or no longer assigned: the next owner (or this member after its rejoin) starts from the commit.
        logger.warn({ err: seekErr, ...from }, 'could not seek back; the records come again from the last commit');
      }
    },
  );

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    heartbeatNow = heartbeat;
    // A stale batch was fetched before a seek back to an unhandled record: that fetch brings these records again.
    if (stopping || !isRunning() || isStale()) return;
    lanes.enqueue(batch.topic, batch.partition, batch.messages);
    while (lanes.queued >= MAX_QUEUED_RECORDS && !stopping && isRunning()) {
      await lanes.whenRoom(1000);
      await heartbeat();
    }
  };

  /** Handles one chunk of a partition in offset order; false when abandoned because the consumer stops. */
  const handleChunk = async (topic: string, partition: number, chunk: KafkaMessage[]): Promise<boolean> => {
    // Chaos latency (injected-latency.ts): waited in heartbeat-sized steps so the group keeps this member.
    for (let left = injectedLatencyMs(); left > 0 && !stopping; left -= 1000) {
      await sleep(Math.min(left, 1000));
      await heartbeatNow();
    }
    const { handleBatch: batchHandler, handle } = options;
    if (batchHandler) {
      const events = chunk.flatMap((message) => decodeEvent(topic, partition, message) ?? []);
      const where = { topic, partition, offset: chunk[0]?.offset, records: chunk.length };
      // A lone record's work (its RPCs, its records) is drawn in its trace; a batch's shared work belongs to none.
      const lone = events.length === 1 ? spanOf.get(events[0] as AnyConsumedEvent) : undefined;
      const run = () => (lone ? withActiveSpan(lone, () => batchHandler(events)) : batchHandler(events));
      const done = events.length === 0 || (await attempt(run, where));
      endRecordSpans(events, done);
      if (!done) return false;
      noteHandled(topic, partition, (chunk.at(-1) as KafkaMessage).offset);
      return true;
    }
    for (const message of chunk) {
      if (stopping) return false;
      const event = decodeEvent(topic, partition, message);
      const where = {
        topic,
        partition,
        offset: message.offset,
        eventType: event?.type,
        eventId: event?.meta?.eventId,
        traceId: event ? traceIdOf(event.traceparent) : undefined,
      };
      if (event && handle) {
        const span = spanOf.get(event);
        const run = () => (span ? withActiveSpan(span, () => handle(event)) : handle(event));
        const done = await attempt(run, where);
        endRecordSpans([event], done);
        if (!done) return false;
      }
      noteHandled(topic, partition, message.offset);
    }
    return true;
  };

  /** The record as an event, or undefined (logged) when it cannot be decoded: such a record is skipped. */
  const decodeEvent = (topic: string, partition: number, message: KafkaMessage): AnyConsumedEvent | undefined => {
    const headers = headersToStrings(message.headers);
    const decoded = decodeRecord(topic, headers, message.value);
    if (!decoded.ok) {
      logger.warn(
        { topic, partition, offset: message.offset, reason: decoded.reason },
        'skipping a record that cannot be decoded',
      );
      return undefined;
    }
    const published = headers['traceparent'] ?? decoded.meta?.trace?.traceparent;
    const span = startSpan(`consume ${topic}`, {
      kind: SpanKind.CONSUMER,
      parent: isValidTraceparent(published) ? published : undefined,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': groupId,
        'gochat.event_type': decoded.type,
      },
    });
    const event = {
      type: decoded.type,
      message: decoded.message,
      meta: decoded.meta,
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? '',
      headers,
      traceparent: traceparentOf(span),
    } as AnyConsumedEvent;
    spanOf.set(event, span);
    return event;
  };

  /**
   * Runs the handler until it succeeds (or throws SkipRecord); resolves false if abandoned because of stop, so
   * the records stay uncommitted and are redelivered.
   */
  const attempt = async (run: () => Promise<void>, where: Record<string, unknown>): Promise<boolean> => {
    for (let attemptNo = 1; ; attemptNo++) {
      try {
        await run();
        return true;
      } catch (err) {
        if (err instanceof SkipRecord) {
          logger.warn(
            { ...where, reason: err.message, cause: err.cause },
            'handler skipped a record it can never handle',
          );
          return true;
        }
        const delayMs = backoffMs(attemptNo - 1, { initialMs, maxMs });
        logger.error({ err, ...where, attempt: attemptNo, delayMs }, 'event handler failed; will retry');
        if (!stopping) await sleep(delayMs);
        if (stopping) {
          logger.warn(where, 'stopping with records not yet handled; they will be redelivered');
          return false;
        }
        // Keeps the group membership while we retry; a rebalance error ends the chunk, and the records go to
        // whoever owns the partition next (uncommitted, so nothing is lost).
        await heartbeatNow();
      }
    }
  };

  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer group ${groupId} did not join within ${options.joinTimeoutMs ?? 30000} ms`)),
      options.joinTimeoutMs ?? 30000,
    );
    timer.unref();
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      removeJoin();
      resolve();
    });
  });
  // After a rebalance kafkajs fetches again from the last commit: what was queued before would be handled twice.
  consumer.on(consumer.events.GROUP_JOIN, () => lanes.dropQueued());
  joined.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload;
    if (restart || stopping) {
      logger.error({ err: error, restart, stopping }, 'consumer crashed');
      return;
    }
    const onFatal =
      options.onFatal ??
      ((err: unknown) => {
        logger.fatal({ err }, 'consumer stopped for good; exiting so the process can be restarted');
        process.exit(1);
      });
    onFatal(error);
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      // Handled offsets are committed by noteHandled; what kafkajs resolves is only its fetch position.
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch,
    });
    await joined;
  } catch (err) {
    stopping = true;
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }
  logger.info({ topics: options.topics }, 'consumer joined its group');
  noteConsumerRunning(groupId, true);

  let stopped: Promise<void> | undefined;
  return {
    groupId,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        noteConsumerRunning(groupId, false);
        sleeps.wakeAll();
        // Let the records in hand finish and commit before leaving the group; queued ones are left uncommitted.
        lanes.dropQueued();
        await lanes.idle();
        await commitHandled();
        await consumer.disconnect();
      })();
      return stopped;
    },
  };
}

function uncommittedOffset(
  offsets: { topic: string; partition: number; offset: string }[],
  topic: string,
  partition: number,
) {
  return offsets.find((o) => o.topic === topic && o.partition === partition)?.offset ?? '-1';
}
