// Where a message's time goes between the gateway and im-logic, without tracing's cost: a Kafka consumer of its
// own group reads gochat.messages.upstream and .downstream as they are written and prints, every 3 s,
//   logic: from the upstream record's timestamp to its downstream record's (the upstream hop, im-logic's fetch,
//          its lane, SaveMessages, the downstream publish up to its request);
//   up / down: from each record's timestamp to this consumer's receipt (a Kafka hop, as a third consumer sees it).
// A record's timestamp is when its produce request was written. Run it beside a load (bench/ab/p2p-http.ts).
//   npx tsx bench/ab/hop-probe.ts <kafka host:port>        (gochat up prints "Kafka at ...")
import { Kafka, logLevel } from 'kafkajs';
import { headersToStrings } from '../../lib/kafka/consumer';
import { decodeRecord } from '../../lib/kafka/registry';

const broker = process.argv[2];
if (!broker) {
  console.error('usage: hop-probe.ts <kafka host:port>');
  process.exit(2);
}
const kafka = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING, clientId: 'hop-probe' });
const consumer = kafka.consumer({ groupId: `hop-probe-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topics: ['gochat.messages.upstream', 'gochat.messages.downstream'], fromBeginning: false });

const upstreamAt = new Map<string, number>(); // sender|clientMsgId -> upstream record timestamp
let logic: number[] = [];
let up: number[] = [];
let down: number[] = [];
const pct = (values: number[], p: number): string =>
  values.length === 0 ? '-' : String(values.sort((a, b) => a - b)[Math.floor(values.length * p)]);
const line = (name: string, values: number[]): string => `${name} p50 ${pct(values, 0.5)} p99 ${pct(values, 0.99)} ms`;

const timer = setInterval(() => {
  if (logic.length > 0)
    console.log(`n ${logic.length}  ${line('logic', logic)} | ${line('up', up)} | ${line('down', down)}`);
  logic = [];
  up = [];
  down = [];
  if (upstreamAt.size > 100_000) upstreamAt.clear(); // refused sends leave entries behind
}, 3000);
const stop = (): void => {
  clearInterval(timer);
  void consumer.disconnect().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await consumer.run({
  eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const record of batch.messages) {
      const decoded = decodeRecord(batch.topic, headersToStrings(record.headers), record.value);
      if (!decoded.ok) continue;
      const at = Number(record.timestamp);
      if (decoded.type === 'message.upstream') {
        const event = decoded.message as { senderId: string; clientMsgId: string };
        upstreamAt.set(`${event.senderId}|${event.clientMsgId}`, at);
        up.push(now - at);
      } else if (decoded.type === 'message.downstream') {
        const event = decoded.message as { senderId: string; clientMsgId: string; ackOnly: boolean };
        if (event.ackOnly) continue;
        const key = `${event.senderId}|${event.clientMsgId}`;
        const sentAt = upstreamAt.get(key);
        if (sentAt !== undefined) {
          logic.push(at - sentAt);
          upstreamAt.delete(key);
        }
        down.push(now - at);
      }
    }
  },
});
