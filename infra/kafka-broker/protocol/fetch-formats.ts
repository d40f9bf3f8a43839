// What a Fetch of a given version may carry, beside fetch.ts's long poll. The log holds magic-2 record batches;
// Fetch v0-v3 predate them (Kafka 0.8-0.10 clients, such as sarama's default config), so their answer is the old
// message-set format, down-converted as a Kafka broker with message format 2 does: magic 0 for Fetch v0-v1,
// magic 1 (with timestamps) for v2-v3. zstd batches cannot be down-converted (the old formats have no zstd): there
// Kafka answers UNSUPPORTED_COMPRESSION_TYPE (76), and so does this broker.
//
// Fetch v4-v9 do get zstd batches, although zstd came with Fetch v10 (KIP-110). That is Kafka's behaviour too: it
// refuses zstd below v10 only for a topic whose broker-side `compression.type` is zstd (KafkaApis
// maybeConvertFetchedData); under the default `producer`, which is the only mode here, a producer's zstd batches
// are served as they are. kafka-python 2.0.2 always fetches with v4 and reads zstd that way; refusing would cut
// it off from zstd data a Kafka broker serves it.
import { crc32 } from 'node:zlib';
import { codecOf, decodeBatchRecords, readBatchHeader, RecordsError, type DecodedRecord } from '../log/batch';
import { CodecError } from '../log/codec-error';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

/** The first Fetch version whose clients can read record batches (magic 2). */
export const FIRST_RECORD_BATCH_FETCH = 4;
/** Fetch versions below this get UNSUPPORTED_COMPRESSION_TYPE for a zstd batch: v4, not v10 (see the top). */
export const ZSTD_SERVED_FROM_FETCH = FIRST_RECORD_BATCH_FETCH;

const CONTROL_BATCH = 0x20;
const LOG_APPEND_TIME = 0x08;

export interface FetchRecords {
  errorCode: number;
  /** Buffers to write one after another as the partition's records field. */
  records: Buffer[];
}

/**
 * The records of one partition for a fetcher of version `version`, from the whole stored batches `batches` read
 * at `fetchOffset`. Batches a fetcher cannot read are cut off with everything after them; when the first one is
 * such a batch the partition answers its error instead, so the client learns why it gets nothing.
 */
export function recordsForFetchVersion(
  version: number,
  fetchOffset: number,
  maxBytes: number,
  batches: Buffer[],
): FetchRecords {
  let usable = batches;
  if (version < ZSTD_SERVED_FROM_FETCH) {
    const firstZstd = batches.findIndex((b) => codecOf(readBatchHeader(b).attributes) === 'zstd');
    if (firstZstd === 0) return { errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, records: [] };
    if (firstZstd > 0) usable = batches.slice(0, firstZstd);
  }
  if (version >= FIRST_RECORD_BATCH_FETCH) return { errorCode: ErrorCode.NONE, records: usable };
  return downConvert(usable, fetchOffset, maxBytes, version >= 2 ? 1 : 0);
}

/**
 * Old-format messages (one per record at or after `fetchOffset`), uncompressed: Kafka would recompress with the
 * batch's codec, but only gzip has a compressor here, and an uncompressed set is valid for every old client.
 * Headers do not exist before magic 2 and are dropped, as Kafka drops them. Opened batches can be far larger than
 * stored, so the set ends after the message that reaches the partition's `maxBytes` (always one message at least).
 */
function downConvert(batches: Buffer[], fetchOffset: number, maxBytes: number, magic: 0 | 1): FetchRecords {
  const w = new Writer();
  for (const [i, batch] of batches.entries()) {
    if (w.length >= maxBytes) break;
    const h = readBatchHeader(batch);
    if ((h.attributes & CONTROL_BATCH) !== 0) continue; // only transactions write them; never shown to old clients
    let records: DecodedRecord[] | null;
    try {
      records = decodeBatchRecords(batch);
    } catch (err) {
      if (!(err instanceof RecordsError || err instanceof CodecError)) throw err;
      records = null;
    }
    if (records === null) {
      // a batch stored before produce validation existed: serve what comes before it, or say what is wrong
      if (i === 0) return { errorCode: ErrorCode.CORRUPT_MESSAGE, records: [] };
      break;
    }
    const timestampType = (h.attributes & LOG_APPEND_TIME) !== 0 ? LOG_APPEND_TIME : 0;
    for (const rec of records) {
      if (rec.offset < fetchOffset) continue;
      writeMessage(w, magic, timestampType, rec);
      if (w.length >= maxBytes) break;
    }
  }
  return { errorCode: ErrorCode.NONE, records: [Buffer.from(w.toBuffer())] };
}

/** [offset int64][size int32][crc32 (IEEE) of the rest][magic][attributes][timestamp, magic 1][key][value] */
function writeMessage(w: Writer, magic: 0 | 1, timestampType: number, rec: DecodedRecord): void {
  const body = new Writer(32 + (rec.key?.length ?? 0) + (rec.value?.length ?? 0));
  body.int8(magic).int8(magic === 1 ? timestampType : 0);
  if (magic === 1) body.int64(rec.timestamp);
  body.bytes(rec.key).bytes(rec.value);
  const bytes = body.toBuffer();
  w.int64(rec.offset)
    .int32(4 + bytes.length)
    .uint32(crc32(bytes))
    .raw(bytes);
}
