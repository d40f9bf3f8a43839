// startBroker(): opens (and recovers) the data dir, starts the coordinator and the TCP listener, and
// returns the handle the appliance and the console use.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppendFeed, type BrokerCore, type BrokerLogger } from './core';
import { lockDataDir } from './data-dir-lock';
import { GroupCoordinator } from './groups/coordinator';
import { OffsetStore } from './groups/offset-store';
import {
  appendedBatch,
  describeGroups,
  listTopics,
  readRecords,
  type AppendedBatch,
  type GroupInfo,
  type StoredRecord,
  type TopicInfo,
} from './introspection';
import { TopicStore, type RetentionOptions } from './log/topic-store';
import { KafkaServer } from './server';

export interface BrokerOptions {
  /** Interface to bind and to advertise; 0.0.0.0 binds everywhere and advertises 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir: string;
  /** Partitions of auto-created topics (and CreateTopics with -1). */
  defaultPartitions?: number;
  retention?: RetentionOptions;
  /** A new segment is started once the active one would pass this size. */
  segmentBytes?: number;
  autoCreateTopics?: boolean;
  /** How long a new group waits for more members before its first rebalance completes. */
  initialRebalanceDelayMs?: number;
  logger?: BrokerLogger;
  /** Address told to clients when it differs from the bound one (a proxy or port mapping in front). */
  advertise?: { host: string; port: number };
  /** Broker-wide cap on request bytes being received or handled at once (default 256 MiB). */
  maxBufferedRequestBytes?: number;
}

export interface Broker {
  /** "127.0.0.1:<port>", ready for kafkajs `brokers` or kcat `-b`. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
  listTopics(): TopicInfo[];
  describeGroups(): GroupInfo[];
  readRecords(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<StoredRecord[]>;
  /** Every record appended from now on; returns the unsubscribe function. */
  onAppend(listener: (record: StoredRecord) => void): () => void;
  /**
   * Every batch appended from now on, its records read only if asked: watching costs next to nothing until someone
   * looks at what was appended (onAppend reads every record of every batch).
   */
  onAppendBatch(listener: (batch: AppendedBatch) => void): () => void;
  createTopic(name: string, partitions: number): Promise<void>;
  /** Request bytes reserved right now and connections waiting for room (maxBufferedRequestBytes). */
  requestMemory(): { reservedBytes: number; waitingConnections: number };
}

const stderrLogger: BrokerLogger = {
  info: () => undefined,
  warn: (msg) => process.stderr.write(`[kafka-broker] ${msg}\n`),
  error: (msg) => process.stderr.write(`[kafka-broker] ERROR ${msg}\n`),
};

const locksHeldHere = new Set<string>();
const RETENTION_CHECK_MS = 30_000;

export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? stderrLogger;
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1)
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  mkdirSync(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir, locksHeldHere);

  const store = new TopicStore({
    dataDir: options.dataDir,
    segmentBytes: options.segmentBytes ?? 16 * 1024 * 1024,
    retention: options.retention ?? {},
    logger,
  });
  const offsets = new OffsetStore(join(options.dataDir, 'groups'), logger);
  try {
    store.open();
    offsets.open();
    const beyond = offsets.forgetBeyond((topic, partition) => store.log(topic, partition)?.highWatermark);
    for (const b of beyond) {
      logger.warn(
        `group ${b.group} had committed ${b.topic}/${b.partition} at ${b.offset}, beyond the log's end ${b.end} ` +
          '(records were lost with a cut tail): the commit is dropped, so its consumers reset by their policy',
      );
    }
  } catch (err) {
    store.close();
    offsets.close();
    unlock();
    throw err;
  }
  const groups = new GroupCoordinator(offsets, { initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 500 });
  const core: BrokerCore = {
    nodeId: 0,
    clusterId: `gochat-${randomUUID().slice(0, 8)}`,
    advertisedHost: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    advertisedPort: 0,
    defaultPartitions,
    autoCreateTopics: options.autoCreateTopics ?? true,
    store,
    groups,
    appends: new AppendFeed(),
    logger,
  };
  const server = new KafkaServer(core, options.maxBufferedRequestBytes);
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (err) {
    store.close();
    offsets.close();
    unlock();
    throw err;
  }
  core.advertisedPort = options.advertise?.port ?? port;
  const boundHost = core.advertisedHost;
  if (options.advertise) core.advertisedHost = options.advertise.host;
  groups.start();
  const retentionTimer = setInterval(() => store.applyRetention(), RETENTION_CHECK_MS);
  retentionTimer.unref();
  logger.info(`kafka broker listening on ${core.advertisedHost}:${port} (data dir ${options.dataDir})`);

  let stopped: Promise<void> | null = null;
  const onAppendBatch = (listener: (batch: AppendedBatch) => void): (() => void) => {
    // Listeners hear of a batch after the produce request that appended it has been answered, so watching the
    // broker (the console's live views) adds nothing to a producer's wait.
    let pending: AppendedBatch[] = [];
    const deliver = (): void => {
      const batches = pending;
      pending = [];
      for (const batch of batches) {
        // a failing listener must not stop the others or the broker
        try {
          listener(batch);
        } catch (err) {
          logger.error(`onAppend listener failed: ${(err as Error)?.stack ?? String(err)}`);
        }
      }
    };
    const onBatch = (topic: string, partition: number, batch: Buffer): void => {
      if (pending.push(appendedBatch(topic, partition, batch)) === 1) setImmediate(deliver);
    };
    core.appends.on('batch', onBatch);
    return () => core.appends.off('batch', onBatch);
  };

  return {
    address: `${boundHost}:${port}`,
    host: boundHost,
    port,
    dataDir: options.dataDir,
    stop() {
      stopped ??= (async () => {
        clearInterval(retentionTimer);
        groups.stop();
        await server.close();
        store.close();
        offsets.close();
        unlock();
      })();
      return stopped;
    },
    listTopics: () => listTopics(core),
    describeGroups: () => describeGroups(core),
    readRecords: (topic, partition, fromOffset, maxRecords) =>
      Promise.resolve().then(() => readRecords(core, topic, partition, fromOffset, maxRecords)),
    onAppend(listener) {
      return onAppendBatch((batch) => {
        for (const rec of batch.records()) listener(rec);
      });
    },
    onAppendBatch,
    requestMemory: () => ({ reservedBytes: server.pool.reserved, waitingConnections: server.pool.waiting }),
    createTopic(name, partitions) {
      return Promise.resolve().then(() => {
        if (!Number.isInteger(partitions) || partitions < 1)
          throw new Error(`partitions must be a positive integer, got ${partitions}`);
        store.createTopic(name, partitions);
      });
    },
  };
}
