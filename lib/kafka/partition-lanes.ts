// Fetching apart from handling. kafkajs hands every batch of one fetch to eachBatch and fetches again only once all
// of them were handled, so one slow partition holds up every other, and a record that arrives while a batch is
// being handled waits for that batch and then for a fetch round trip. Here eachBatch only queues the records on
// their partition's lane and returns, so the next fetch goes out at once; each lane handles its records in offset
// order, one chunk at a time, taking whatever queued up meanwhile (up to a chunk) in one go.
// Offsets are still committed only for handled records: the caller commits from `handle`'s successes, never from
// what was fetched. Records queued when the group rebalances are dropped, because kafkajs fetches again from the
// last commit after a rejoin: handling them too would only do the same work twice.
import type { KafkaMessage } from 'kafkajs';
import { WakeableSleep } from '../wakeable-sleep';

export interface LaneLimits {
  /** Most records given to one handle call. */
  maxChunk: number;
  /** Records queued over all lanes above which `whenRoom` waits (bounds memory when handling falls behind). */
  maxQueued: number;
}

/**
 * Handles one chunk of a partition; false means it was abandoned (stopping), so the rest of its lane is dropped.
 * A throw drops the rest of the lane too, and `onError` is told the first offset not handled so the consumer can
 * fetch again from there (the fetch position has already moved past it).
 */
export type LaneHandler = (topic: string, partition: number, messages: KafkaMessage[]) => Promise<boolean>;

interface Lane {
  topic: string;
  partition: number;
  queue: KafkaMessage[];
  working: Promise<void> | undefined;
}

export class PartitionLanes {
  private readonly lanes = new Map<string, Lane>();
  private queuedRecords = 0;
  private readonly roomWaits = new WakeableSleep();

  constructor(
    private readonly handle: LaneHandler,
    private readonly limits: LaneLimits,
    private readonly onError: (err: unknown, from: { topic: string; partition: number; offset: string }) => void,
  ) {}

  /** Records queued and not yet handed to `handle`. */
  get queued(): number {
    return this.queuedRecords;
  }

  /** Queues a fetched batch on its partition's lane and starts the lane if it is idle. */
  enqueue(topic: string, partition: number, messages: readonly KafkaMessage[]): void {
    if (messages.length === 0) return;
    const key = `${topic}/${partition}`;
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { topic, partition, queue: [], working: undefined };
      this.lanes.set(key, lane);
    }
    for (const message of messages) lane.queue.push(message);
    this.queuedRecords += messages.length;
    lane.working ??= this.work(lane);
  }

  /** Resolves once fewer than maxQueued records wait, or after `atMostMs` (so the caller can heartbeat). */
  whenRoom(atMostMs: number): Promise<void> {
    if (this.queuedRecords < this.limits.maxQueued) return Promise.resolve();
    return this.roomWaits.sleep(atMostMs);
  }

  /** Drops every record not yet handed to `handle` (after a rebalance, or when stopping). */
  dropQueued(): void {
    for (const lane of this.lanes.values()) this.dropLane(lane);
  }

  private dropLane(lane: Lane): void {
    this.queuedRecords -= lane.queue.length;
    lane.queue = [];
    this.wakeRoomWaiters();
  }

  /** Resolves when no lane is handling a chunk. */
  async idle(): Promise<void> {
    for (;;) {
      const working = [...this.lanes.values()].flatMap((lane) => (lane.working ? [lane.working] : []));
      if (working.length === 0) return;
      await Promise.allSettled(working);
    }
  }

  private async work(lane: Lane): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const chunk = lane.queue.splice(0, this.limits.maxChunk);
        this.queuedRecords -= chunk.length;
        this.wakeRoomWaiters();
        let handled = false;
        try {
          handled = await this.handle(lane.topic, lane.partition, chunk);
        } catch (err) {
          const offset = (chunk[0] as KafkaMessage).offset;
          try {
            this.onError(err, { topic: lane.topic, partition: lane.partition, offset });
          } catch {
            // A lane is nobody's awaited promise: whatever onError throws must not become an unhandled rejection.
          }
        }
        if (!handled) this.dropLane(lane);
      }
    } finally {
      lane.working = undefined;
    }
  }

  private wakeRoomWaiters(): void {
    if (this.queuedRecords < this.limits.maxQueued) this.roomWaits.wakeAll();
  }
}
