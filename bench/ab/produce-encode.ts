// CPU of writing one Produce request, kafkajs's own encoder against lib/kafka/produce-encoder.ts, in one process
// and one run (rounds alternate, so a busy machine slows both alike). The request is shaped like im-logic's: six
// partitions of a message topic, the four headers every event carries, a protobuf-sized value.
//   npx tsx bench/ab/produce-encode.ts [--records-per-partition 5] [--requests 3000] [--rounds 3]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { eventRecord } from './event-record';
import { encodeProduceBody, kafkajsProduceV3, type ProduceRequestArgs } from '../../lib/kafka/produce-encoder';

const { values } = parseArgs({
  options: {
    'records-per-partition': { type: 'string', default: '5' },
    requests: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
  },
});
const perPartition = Number(values['records-per-partition']);
const requests = Number(values.requests);
const require = createRequire(import.meta.url);
const crc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

const request: ProduceRequestArgs = {
  acks: -1,
  timeout: 30000,
  producerId: 5,
  producerEpoch: 0,
  compression: 0,
  topicData: [
    {
      topic: 'gochat.messages.persist',
      partitions: Array.from({ length: 6 }, (_, partition) => ({
        partition,
        firstSequence: 0,
        messages: Array.from({ length: perPartition }, (_, i) => eventRecord(i)),
      })),
    },
  ],
};
const records = 6 * perPartition;

async function usPerRecord(encode: () => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < requests; i++) await encode();
  return ((performance.now() - started) * 1000) / requests / records;
}

for (let round = 1; round <= Number(values.rounds); round++) {
  const kafkajs = await usPerRecord(() => kafkajsProduceV3(request).encode());
  const ours = await usPerRecord(() => encodeProduceBody(request, crc32c));
  console.log(
    `round ${round}: ${records} records per request; kafkajs ${kafkajs.toFixed(2)} us per record, ` +
      `one-pass ${ours.toFixed(2)} us (${(kafkajs / ours).toFixed(1)} x)`,
  );
}
