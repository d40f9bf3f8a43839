// Committing what a consumer handled. Handled offsets are committed together, for every partition at once, at most
// every COMMIT_INTERVAL_MS (and once more on stop), so a busy consumer does not wait for a commit round trip per
// batch. A crash or rebalance may redeliver what was handled since the last commit, which handlers tolerate because
// they are idempotent.
import type { Consumer } from 'kafkajs';
import type { Logger } from '../log';
import { endFailed, SpanKind, startSpan, traceparentOf, type Span } from '../telemetry';

const COMMIT_INTERVAL_MS = 200;
/** Most traces given a commit span per commit: one commit covers many records, drawing it in each would cost. */
const MAX_COMMIT_SPANS = 32;

interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export class OffsetCommits {
  /** The next offset to commit, by "topic/partition". */
  private readonly uncommitted = new Map<string, PartitionOffset>();
  private lastCommitAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  /** Records handled since the last commit, by trace: each gets a span for the commit that covers it. */
  private readonly toCommit = new Map<string, { span: Span; topic: string; partition: number }>();

  constructor(
    private readonly consumer: Pick<Consumer, 'commitOffsets'>,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {}

  /** A partition was handled up to `offset`: committed now when the last commit is old enough, else soon. */
  noteHandled(topic: string, partition: number, offset: string): void {
    this.uncommitted.set(`${topic}/${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    const wait = COMMIT_INTERVAL_MS - (Date.now() - this.lastCommitAt);
    if (wait <= 0) void this.commitHandled();
    else if (this.commitTimer === undefined) {
      this.commitTimer = setTimeout(() => void this.commitHandled(), wait);
      this.commitTimer.unref();
    }
  }

  /** A handled record's (ended) span: the commit that covers it is drawn in its trace, once per trace. */
  noteHandledSpan(span: Span, topic: string, partition: number): void {
    const traceId = span.spanContext().traceId;
    if (this.toCommit.size < MAX_COMMIT_SPANS && !this.toCommit.has(traceId))
      this.toCommit.set(traceId, { span, topic, partition });
  }

  /** Commits every partition's handled offset now; resolves when this and every earlier commit settled. */
  commitHandled(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    if (this.uncommitted.size === 0) return this.committing;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    const commitSpans = [...this.toCommit.values()].map(({ span, topic, partition }) =>
      startSpan(`commit ${topic}`, {
        kind: SpanKind.CLIENT,
        parent: traceparentOf(span),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'commit',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(committedOffset(offsets, topic, partition)),
          'messaging.consumer.group.name': this.groupId,
        },
      }),
    );
    this.toCommit.clear();
    this.lastCommitAt = Date.now();
    this.committing = this.committing
      .then(() => this.consumer.commitOffsets(offsets))
      .then(
        () => {
          for (const span of commitSpans) span.end();
        },
        (err: unknown) => {
          for (const span of commitSpans) endFailed(span, err);
          // Offsets are cumulative: the next successful commit covers these records.
          this.logger.warn({ err, offsets }, 'offset commit failed');
        },
      );
    return this.committing;
  }
}

function committedOffset(offsets: PartitionOffset[], topic: string, partition: number): string {
  return offsets.find((o) => o.topic === topic && o.partition === partition)?.offset ?? '-1';
}
