// Idempotent-producer bookkeeping for one partition. It is rebuilt from the batches' own headers when a
// log is recovered, so it needs no file of its own and survives restarts with the log.
const REMEMBERED_BATCHES = 5; // the most in-flight requests an idempotent producer may have

interface BatchSeq {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  recent: BatchSeq[];
}

export type SequenceCheck =
  { kind: 'append' } | { kind: 'duplicate'; baseOffset: number } | { kind: 'error'; code: number; reason: string };

export const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
export const INVALID_PRODUCER_EPOCH = 47;

function lastSeqOf(firstSeq: number, lastOffsetDelta: number): number {
  return (firstSeq + lastOffsetDelta) % 2 ** 31;
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  check(producerId: number, epoch: number, firstSeq: number, lastOffsetDelta: number): SequenceCheck {
    if (producerId < 0 || firstSeq < 0) return { kind: 'append' };
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) {
      return { kind: 'error', code: INVALID_PRODUCER_EPOCH, reason: `epoch ${epoch} is older than ${entry.epoch}` };
    }
    if (epoch > entry.epoch) {
      return firstSeq === 0
        ? { kind: 'append' }
        : {
            kind: 'error',
            code: OUT_OF_ORDER_SEQUENCE_NUMBER,
            reason: `new epoch must start at sequence 0, got ${firstSeq}`,
          };
    }
    const lastSeq = lastSeqOf(firstSeq, lastOffsetDelta);
    const dup = entry.recent.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    const last = entry.recent[entry.recent.length - 1];
    const expected = last ? (last.lastSeq + 1) % 2 ** 31 : firstSeq;
    if (firstSeq !== expected) {
      return {
        kind: 'error',
        code: OUT_OF_ORDER_SEQUENCE_NUMBER,
        reason: `producer ${producerId} sent sequence ${firstSeq}, expected ${expected}`,
      };
    }
    return { kind: 'append' };
  }

  record(producerId: number, epoch: number, firstSeq: number, lastOffsetDelta: number, baseOffset: number): void {
    if (producerId < 0 || firstSeq < 0) return;
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { epoch, recent: [] };
      this.producers.set(producerId, entry);
    }
    entry.recent.push({
      firstSeq,
      lastSeq: lastSeqOf(firstSeq, lastOffsetDelta),
      baseOffset,
      lastOffset: baseOffset + lastOffsetDelta,
    });
    if (entry.recent.length > REMEMBERED_BATCHES) entry.recent.shift();
  }

  maxProducerId(): number {
    let max = -1;
    for (const id of this.producers.keys()) max = Math.max(max, id);
    return max;
  }
}
