// Produce v0-v7 and InitProducerId. Batches are checked as Kafka checks them (magic 2, CRC32C, record count,
// every record parsing, idempotent sequence) and stored as received with only their base offset and max
// timestamp rewritten. A bad batch is refused whole with CORRUPT_MESSAGE and nothing of it is stored.
// v0-v2 are advertised because librdkafka enables gzip/snappy/lz4 only when Produce v0 is in range; it never
// sends them itself. A client that does (sarama's default config) sends magic 0/1 message sets: they are
// up-converted to one uncompressed magic-2 batch, as Kafka does with message format 2 (v3+ must send batches).
// acks=-1 is answered once the batch is fsynced; acks=0 gets no response at all, as clients expect.
import type { BrokerCore } from '../core';
import { checkBatch, codecOf } from '../log/batch';
import { upConvertMessageSet } from '../log/message-set';
import { validateProducedBatch } from '../log/validate-batch';
import type { PartitionLog } from '../log/partition-log';
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export const handleProduce: ApiHandler = async (r, ctx, core) => {
  const v = ctx.apiVersion;
  const transactionalId = v >= 3 ? r.nullableString() : null;
  const acks = r.int16();
  r.int32(); // timeout_ms
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
  }));

  const touched = new Set<PartitionLog>();
  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const log = core.store.log(t.name, p.index);
      if (!log)
        return { index: p.index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1, logStartOffset: -1 };
      if (transactionalId !== null) {
        core.logger.warn(`produce to ${t.name}/${p.index} refused: transactions are not supported`);
        return { index: p.index, errorCode: TRANSACTIONS_REFUSED, baseOffset: -1, logStartOffset: -1 };
      }
      const res = appendRecords(core, t.name, p.index, log, p.records, v);
      if (res.errorCode === ErrorCode.NONE) touched.add(log);
      return res;
    }),
  }));

  if (acks === 0) return null;
  if (acks === -1 && touched.size > 0) await Promise.all([...touched].map((l) => core.store.waitDurable(l)));

  const w = new Writer();
  w.array(results, (w2, t) => {
    w2.string(t.name);
    w2.array(t.partitions, (w3, p) => {
      w3.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (v >= 2) w3.int64(-1); // log_append_time: topics use CreateTime
      if (v >= 5) w3.int64(p.logStartOffset);
    });
  });
  if (v >= 1) w.int32(0);
  return w;
};

function appendRecords(
  core: BrokerCore,
  topic: string,
  partition: number,
  log: PartitionLog,
  records: Buffer | null,
  version: number,
): PartitionResult {
  const fail = (errorCode: number, reason: string): PartitionResult => {
    core.logger.warn(`produce to ${topic}/${partition} refused: ${reason}`);
    return { index: partition, errorCode, baseOffset: -1, logStartOffset: log.logStartOffset };
  };
  if (!records || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE, 'no record batch');
  if (version < 3 && records.length > 16 && records.readInt8(16) !== 2) {
    const converted = upConvertMessageSet(records);
    if (typeof converted === 'string') return fail(ErrorCode.CORRUPT_MESSAGE, converted);
    records = converted;
  }
  // check every batch before storing any, so a request is applied whole or not at all
  const batches: Array<{ buf: Buffer; producerId: number; epoch: number; seq: number; delta: number }> = [];
  for (let pos = 0; pos < records.length;) {
    const h = checkBatch(records, pos);
    if (typeof h === 'string') {
      const code = h.includes('magic') ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE;
      return fail(code, h);
    }
    // Kafka's rule: zstd needs Produce v7 (older clients could not read it back)
    if (codecOf(h.attributes) === 'zstd' && version < 7) {
      return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `zstd batch in Produce v${version} (needs v7)`);
    }
    const problem = validateProducedBatch(records.subarray(pos, pos + h.size), h);
    if (problem !== null) return fail(ErrorCode.CORRUPT_MESSAGE, problem);
    batches.push({
      buf: records.subarray(pos, pos + h.size),
      producerId: h.producerId,
      epoch: h.producerEpoch,
      seq: h.baseSequence,
      delta: h.lastOffsetDelta,
    });
    pos += h.size;
  }
  let firstOffset = -1;
  for (const b of batches) {
    const seq = log.producers.check(b.producerId, b.epoch, b.seq, b.delta);
    if (seq.kind === 'error') return fail(seq.code, seq.reason);
    const base = seq.kind === 'duplicate' ? seq.baseOffset : log.append(b.buf);
    if (seq.kind === 'append') core.appends.emit('batch', topic, partition, b.buf);
    if (firstOffset < 0) firstOffset = base;
  }
  return { index: partition, errorCode: ErrorCode.NONE, baseOffset: firstOffset, logStartOffset: log.logStartOffset };
}

/**
 * Transactions are refused at once rather than failing at commit time: TRANSACTIONAL_ID_AUTHORIZATION_FAILED is
 * fatal and non-retriable in librdkafka, the Java client and kafkajs, so a transactional producer stops with
 * that message instead of retrying for a minute. FindCoordinator still answers for transactional ids, so the
 * refusal reaches clients from InitProducerId with its own code (kafkajs hides FindCoordinator errors).
 */
const TRANSACTIONS_REFUSED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;

export const handleInitProducerId: ApiHandler = (r, _ctx, core) => {
  const transactionalId = r.nullableString();
  r.int32(); // transaction_timeout_ms
  if (transactionalId !== null) {
    core.logger.warn(`InitProducerId for transactional id ${JSON.stringify(transactionalId)} refused: no transactions`);
    return new Writer().int32(0).int16(TRANSACTIONS_REFUSED).int64(-1).int16(-1);
  }
  const id = core.store.allocateProducerId();
  return new Writer().int32(0).int16(ErrorCode.NONE).int64(id).int16(0);
};
