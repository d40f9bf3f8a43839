// Consuming domain events: decode with the registry, run the handler, and commit a record's offset only after its
// handler succeeded. A failing handler is retried with backoff (never skipped silently); a record that cannot be
// decoded is logged with the reason and skipped, so one bad record cannot stall a partition forever.
// The pieces: startEventConsumer joins the group (watchGroup: join, rebalance, crash); ConsumerRun takes fetched
// batches onto partition lanes and hands each lane's chunks to the handler; OffsetCommits (offset-commits.ts)
// commits what was handled.
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';
import type { Logger } from '../log';
import { endFailed, SpanKind, startSpan, traceparentOf, withActiveSpan, type Span } from '../telemetry';
import { traceIdOf } from '../trace';
import { injectedLatencyMs, noteConsumerRunning } from './injected-latency';
import { OffsetCommits } from './offset-commits';
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
  /**
   * After a fetch that brought records, how long to wait before the next fetch (default 0: at once). For a consumer
   * not on a client's critical path: what was fetched is handled at once (a lone record is not held back), and
   * what arrives meanwhile comes in one larger batch; an idle consumer still long-polls (FETCH_MAX_WAIT_MS), so it
   * costs nothing while nothing happens.
   */
  lingerAfterFetchMs?: number;
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

/** Records fetched but not yet handled, over all partitions, beyond which fetching waits. */
const MAX_QUEUED_RECORDS = 4 * 500;
/** Most records given to one handleBatch call. */
export const MAX_BATCH_RECORDS = 500;
/** Longest a fetch waits for new records; short so a broker without long-poll wake-ups still feels live. */
const FETCH_MAX_WAIT_MS = 500;
/** With lingerAfterFetchMs, how many batches of one fetch (one per partition) kafkajs hands over at once. */
const LINGER_BATCHES_AT_ONCE = 64;

/** A record's headers as text, the first value of a repeated one (what decodeRecord reads). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
export async function startEventConsumer(options: EventConsumerOptions): Promise<RunningEventConsumer> {
  const { kafka, groupId } = options;
  if ((options.handle === undefined) === (options.handleBatch === undefined)) {
    throw new Error(`consumer ${groupId}: give exactly one of handle and handleBatch`);
  }
  const consumer: Consumer = kafka.consumer({
    groupId,
    // Short enough that on external Kafka a dead member is noticed within seconds (the embedded broker drops it
    // when its connection closes), long enough for a busy event loop; members learn of a rebalance at the next
    // heartbeat, so it is frequent.
    sessionTimeout: options.sessionTimeoutMs ?? 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
  });
  const run = new ConsumerRun(consumer, options);
  if (options.lingerAfterFetchMs) consumer.on(consumer.events.FETCH_START, () => run.fetchStarted());
  const joined = watchGroup(consumer, run, options);

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      // Handled offsets are committed by OffsetCommits; what kafkajs resolves is only its fetch position.
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: run.eachBatch,
      // With a linger, the batches of one fetch are taken side by side, so that only the fetch after them waits.
      ...(options.lingerAfterFetchMs ? { partitionsConsumedConcurrently: LINGER_BATCHES_AT_ONCE } : {}),
    });
    await joined;
  } catch (err) {
    run.stopping = true;
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }
  run.logger.info({ topics: options.topics }, 'consumer joined its group');
  noteConsumerRunning(groupId, true);

  let stopped: Promise<void> | undefined;
  return {
    groupId,
    stop: () => {
      stopped ??= run.stop();
      return stopped;
    },
  };
}

/**
 * Group membership: resolves at the first join (rejects when none came within joinTimeoutMs); after every
 * rebalance drops what was queued; a crash kafkajs will not restart after goes to onFatal.
 */
function watchGroup(consumer: Consumer, run: ConsumerRun, options: EventConsumerOptions): Promise<void> {
  const { groupId } = options;
  const joinTimeoutMs = options.joinTimeoutMs ?? 30000;
  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer group ${groupId} did not join within ${joinTimeoutMs} ms`)),
      joinTimeoutMs,
    );
    timer.unref();
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      removeJoin();
      resolve();
    });
  });
  // After a rebalance kafkajs fetches again from the last commit: what was queued before would be handled twice.
  consumer.on(consumer.events.GROUP_JOIN, () => run.lanes.dropQueued());
  joined.catch(() => undefined); // awaited by the caller; this only keeps an early failure from being "unhandled"
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload;
    if (restart || run.stopping) {
      run.logger.error({ err: error, restart, stopping: run.stopping }, 'consumer crashed');
      return;
    }
    const onFatal =
      options.onFatal ??
      ((err: unknown) => {
        run.logger.fatal({ err }, 'consumer stopped for good; exiting so the process can be restarted');
        process.exit(1);
      });
    onFatal(error);
  });
  return joined;
}

/** One running consumer: fetched batches go to partition lanes, each lane's chunks to the handler, then commits. */
class ConsumerRun {
  stopping = false;
  readonly logger: Logger;
  /** Fetching runs ahead of handling (partition-lanes.ts); see eachBatch. */
  readonly lanes: PartitionLanes;
  private readonly commits: OffsetCommits;
  /** Retry backoffs and injected latency: cut short when the consumer stops. */
  private readonly sleeps = new WakeableSleep();
  private readonly retry: { initialMs: number; maxMs: number };
  private heartbeatNow: () => Promise<void> = () => Promise.resolve();
  /** Fetches started so far, and the one whose batches already waited lingerAfterFetchMs (once per fetch). */
  private fetches = 0;
  private lingeredFetch = 0;
  /** Each decoded record's span, from decode until its handler settled; then it waits for the commit that covers it. */
  private readonly spanOf = new WeakMap<AnyConsumedEvent, Span>();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: EventConsumerOptions,
  ) {
    this.logger = options.logger.child({ consumerGroup: options.groupId });
    this.retry = { initialMs: options.retry?.initialMs ?? 100, maxMs: options.retry?.maxMs ?? 1000 };
    this.commits = new OffsetCommits(consumer, options.groupId, this.logger);
    this.lanes = new PartitionLanes(
      (topic, partition, messages) => this.handleChunk(topic, partition, messages),
      { maxChunk: MAX_BATCH_RECORDS, maxQueued: MAX_QUEUED_RECORDS },
      (err, from) => this.fetchAgainFrom(err, from),
    );
  }

  /**
   * kafkajs's batch callback: queues a fetched batch on its partition's lane and returns, so kafkajs fetches again
   * at once instead of after the slowest partition's handler; waits (heartbeating) only while too much is queued.
   */
  readonly eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    this.heartbeatNow = heartbeat;
    // A stale batch was fetched before a seek back to an unhandled record: that fetch brings these records again.
    if (this.stopping || !isRunning() || isStale()) return;
    this.lanes.enqueue(batch.topic, batch.partition, batch.messages);
    while (this.lanes.queued >= MAX_QUEUED_RECORDS && !this.stopping && isRunning()) {
      await this.lanes.whenRoom(1000);
      await heartbeat();
    }
    // kafkajs fetches again once every batch of this fetch returned: the first one to get here holds that back (the
    // others, taken side by side, return at once).
    const linger = this.options.lingerAfterFetchMs ?? 0;
    if (linger > 0 && this.lingeredFetch !== this.fetches && !this.stopping) {
      this.lingeredFetch = this.fetches;
      await this.sleeps.sleep(linger);
    }
  };

  /** kafkajs is about to send a fetch (one per broker it fetches from). */
  fetchStarted(): void {
    this.fetches++;
  }

  /** A lane stopped on a handler error: fetch again from its first unhandled record. */
  private fetchAgainFrom(err: unknown, from: { topic: string; partition: number; offset: string }): void {
    this.logger.error({ err, ...from }, 'handling stopped on an error; fetching again from the first unhandled record');
    try {
      if (!this.stopping) this.consumer.seek(from);
    } catch (seekErr) {
      // Not running or no longer assigned: the next owner (or this member after its rejoin) starts from the commit.
      this.logger.warn({ err: seekErr, ...from }, 'could not seek back; the records come again from the last commit');
    }
  }

  /** Handles one chunk of a partition in offset order; false when abandoned because the consumer stops. */
  private async handleChunk(topic: string, partition: number, chunk: KafkaMessage[]): Promise<boolean> {
    // Chaos latency (injected-latency.ts): waited in heartbeat-sized steps so the group keeps this member.
    for (let left = injectedLatencyMs(); left > 0 && !this.stopping; left -= 1000) {
      await this.sleeps.sleep(Math.min(left, 1000));
      await this.heartbeatNow();
    }
    return this.options.handleBatch
      ? this.handleAsBatch(this.options.handleBatch, topic, partition, chunk)
      : this.handleOneByOne(topic, partition, chunk);
  }

  private async handleAsBatch(
    batchHandler: (events: AnyConsumedEvent[]) => Promise<void>,
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Promise<boolean> {
    const events = chunk.flatMap((message) => this.decodeEvent(topic, partition, message) ?? []);
    const where = { topic, partition, offset: chunk[0]?.offset, records: chunk.length };
    // A lone record's work (its RPCs, its records) is drawn in its trace; a batch's shared work belongs to none.
    const lone = events.length === 1 ? this.spanOf.get(events[0] as AnyConsumedEvent) : undefined;
    const run = () => (lone ? withActiveSpan(lone, () => batchHandler(events)) : batchHandler(events));
    const done = events.length === 0 || (await this.attempt(run, where));
    this.endRecordSpans(events, done);
    if (!done) return false;
    this.commits.noteHandled(topic, partition, (chunk.at(-1) as KafkaMessage).offset);
    return true;
  }

  private async handleOneByOne(topic: string, partition: number, chunk: KafkaMessage[]): Promise<boolean> {
    const { handle } = this.options;
    for (const message of chunk) {
      if (this.stopping) return false;
      const event = this.decodeEvent(topic, partition, message);
      const where = {
        topic,
        partition,
        offset: message.offset,
        eventType: event?.type,
        eventId: event?.meta?.eventId,
        traceId: event ? traceIdOf(event.traceparent) : undefined,
      };
      if (event && handle) {
        const span = this.spanOf.get(event);
        const run = () => (span ? withActiveSpan(span, () => handle(event)) : handle(event));
        const done = await this.attempt(run, where);
        this.endRecordSpans([event], done);
        if (!done) return false;
      }
      this.commits.noteHandled(topic, partition, message.offset);
    }
    return true;
  }

  /** The record as an event, or undefined (logged) when it cannot be decoded: such a record is skipped. */
  private decodeEvent(topic: string, partition: number, message: KafkaMessage): AnyConsumedEvent | undefined {
    const headers = headersToStrings(message.headers);
    const decoded = decodeRecord(topic, headers, message.value);
    if (!decoded.ok) {
      this.logger.warn(
        { topic, partition, offset: message.offset, reason: decoded.reason },
        'skipping a record that cannot be decoded',
      );
      return undefined;
    }
    const published = headers['traceparent'] ?? decoded.meta?.trace?.traceparent;
    const span = startSpan(`consume ${topic}`, {
      kind: SpanKind.CONSUMER,
      parent: published, // an invalid one counts as none (startSpan parses it once)
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': this.options.groupId,
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
    this.spanOf.set(event, span);
    return event;
  }

  /** Ends the records' spans; a handled record's span then waits for the commit that covers it. */
  private endRecordSpans(events: AnyConsumedEvent[], handled: boolean): void {
    for (const event of events) {
      const span = this.spanOf.get(event);
      if (!span) continue;
      if (!handled) {
        endFailed(span, new Error('abandoned at stop; the record will be redelivered'));
        continue;
      }
      span.end();
      this.commits.noteHandledSpan(span, event.topic, event.partition);
    }
  }

  /**
   * Runs the handler until it succeeds (or throws SkipRecord); resolves false if abandoned because of stop, so
   * the records stay uncommitted and are redelivered.
   */
  private async attempt(run: () => Promise<void>, where: Record<string, unknown>): Promise<boolean> {
    for (let attemptNo = 1; ; attemptNo++) {
      try {
        await run();
        return true;
      } catch (err) {
        if (err instanceof SkipRecord) {
          this.logger.warn(
            { ...where, reason: err.message, cause: err.cause },
            'handler skipped a record it can never handle',
          );
          return true;
        }
        const delayMs = backoffMs(attemptNo - 1, this.retry);
        this.logger.error({ err, ...where, attempt: attemptNo, delayMs }, 'event handler failed; will retry');
        if (!this.stopping) await this.sleeps.sleep(delayMs);
        if (this.stopping) {
          this.logger.warn(where, 'stopping with records not yet handled; they will be redelivered');
          return false;
        }
        // Keeps the group membership while we retry; a rebalance error ends the chunk, and the records go to
        // whoever owns the partition next (uncommitted, so nothing is lost).
        await this.heartbeatNow();
      }
    }
  }

  /** Stops fetching, lets the chunks in hand finish and commit, then leaves the group; queued records are left. */
  async stop(): Promise<void> {
    this.stopping = true;
    noteConsumerRunning(this.options.groupId, false);
    this.sleeps.wakeAll();
    this.lanes.dropQueued();
    await this.lanes.idle();
    await this.commits.commitHandled();
    await this.consumer.disconnect();
  }
}
