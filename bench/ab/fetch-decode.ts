// CPU of reading the record batches of one Fetch response, kafkajs's own decoder against lib/kafka/fetch-decoder.ts,
// in one process and one run (rounds alternate, so a busy machine slows both alike). The batches are shaped like
// im-logic's: one batch per produce request, the four headers every event carries, a protobuf-sized value.
//   npx tsx bench/ab/fetch-decode.ts [--records-per-batch 5] [--batches 6] [--responses 3000] [--rounds 3]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { eventRecord } from './event-record';
import { encodeProduceBody } from '../../lib/kafka/produce-encoder';
import { decodeRecordBatch, kafkajsRecordBatchDecoder } from '../../lib/kafka/fetch-decoder';
import { crc32c } from '../../lib/crc32c';

const { values } = parseArgs({
  options: {
    'records-per-batch': { type: 'string', default: '5' },
    batches: { type: 'string', default: '6' },
    responses: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
  },
});
const perBatch = Number(values['records-per-batch']);
const batches = Number(values.batches);
const responses = Number(values.responses);
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => {
  buffer: Buffer;
  offset: number;
  forward(n: number): void;
  canReadBytes(n: number): boolean;
};

const TOPIC = 'gochat.messages.persist';

/** One record batch as a producer writes it: the batch is the tail of a one-partition Produce request body. */
function recordBatch(): Buffer {
  const body = encodeProduceBody(
    {
      acks: -1,
      timeout: 30000,
      compression: 0,
      topicData: [
        {
          topic: TOPIC,
          partitions: [
            {
              partition: 0,
              messages: Array.from({ length: perBatch }, (_, i) => eventRecord(i)),
            },
          ],
        },
      ],
    },
    crc32c,
  ) as Buffer;
  // The body: transactional id (null), acks, timeout, one topic (its name), one partition, the record set's size,
  // then the batch.
  return body.subarray(2 + 2 + 4 + 4 + 2 + TOPIC.length + 4 + 4 + 4);
}

const messageSet = Buffer.concat(Array.from({ length: batches }, recordBatch));
const records = batches * perBatch;

async function usPerRecord(decode: (d: InstanceType<typeof Decoder>) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < responses; i++) {
    const d = new Decoder(messageSet);
    while (d.canReadBytes(61)) await decode(d);
  }
  return ((performance.now() - started) * 1000) / responses / records;
}

const ours = async (d: InstanceType<typeof Decoder>): Promise<unknown> => {
  const decoded = decodeRecordBatch(d.buffer, d.offset);
  if (!decoded) throw new Error('the bench batch was left to kafkajs');
  d.forward(decoded.end - d.offset);
  return decoded.batch;
};

for (let round = 1; round <= Number(values.rounds); round++) {
  const kafkajs = await usPerRecord((d) => kafkajsRecordBatchDecoder(d));
  const oneRead = await usPerRecord(ours);
  console.log(
    `round ${round}: ${records} records per response; kafkajs ${kafkajs.toFixed(2)} us per record, ` +
      `one-pass ${oneRead.toFixed(2)} us (${(kafkajs / oneRead).toFixed(1)} x)`,
  );
}
