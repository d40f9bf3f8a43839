// What Kafka's LogValidator checks of a produced batch beyond magic and CRC, so that no producer can store a
// batch that consumers then cannot read past: at least one record, a count that matches lastOffsetDelta, no
// control batches from clients, every record parsing exactly. The max timestamp is recomputed from the
// records (log.message.timestamp.type=CreateTime) and written back with a new CRC, so offsets by timestamp
// do not depend on what the producer put in the header (sarama writes -1).
import { crc32c } from '../../../lib/crc32c';
import { CodecError } from './codecs';
import { checkBatchRecords, codecOf, RecordsError, type BatchHeader } from './batch';

const CONTROL_BIT = 0x20;
const LOG_APPEND_TIME_BIT = 0x08;

/**
 * Checks the batch at the start of `batch` (whose header `h` already passed checkBatch) and fixes its max
 * timestamp in place. Returns null when it may be stored, else why not.
 */
export function validateProducedBatch(batch: Buffer, h: BatchHeader): string | null {
  if ((h.attributes & CONTROL_BIT) !== 0) return 'clients may not write control batches';
  if (h.recordCount < 1) return `a batch must hold at least one record, this one declares ${h.recordCount}`;
  if (h.lastOffsetDelta !== h.recordCount - 1) {
    return `record count ${h.recordCount} disagrees with lastOffsetDelta ${h.lastOffsetDelta}`;
  }
  if (codecOf(h.attributes) === 'unknown') return `compression codec ${h.attributes & 0x07} does not exist`;
  let maxTimestamp: number;
  try {
    const recordsMax = checkBatchRecords(batch);
    // null only for a codec without a decoder (all five have one): keep the producer's header, at least its base time
    maxTimestamp = recordsMax ?? Math.max(h.maxTimestamp, h.baseTimestamp);
  } catch (err) {
    if (err instanceof RecordsError || err instanceof CodecError) return err.message;
    throw err;
  }
  if (maxTimestamp !== h.maxTimestamp || (h.attributes & LOG_APPEND_TIME_BIT) !== 0) {
    batch.writeInt16BE(h.attributes & ~LOG_APPEND_TIME_BIT, 21);
    batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
    batch.writeUInt32BE(crc32c(batch, 21, h.size), 17);
    h.maxTimestamp = maxTimestamp;
    h.attributes &= ~LOG_APPEND_TIME_BIT;
  }
  return null;
}
