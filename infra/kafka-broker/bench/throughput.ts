// Throughput of kafkajs against the embedded broker, beside the raw speed of this machine's disk and
// loopback measured in the same run, so the figures read as ratios rather than absolute numbers.
//   npx tsx infra/kafka-broker/bench/throughput.ts [records=200000] [valueBytes=200] [--acks -1|0|1]
//                                                   [--broker same|process] [--json]
//   --acks 1 to compare with acks=1; --broker process runs the broker as its own process (main.ts), as `gochat up`
//   does; by default broker and kafkajs share this process, as in the in-process (test) mode. --json prints the
//   figures as one JSON object instead of the table (`gochat bench --case broker` reads it).
// Bounded: it produces a fixed number of records, consumes them, and stops everything it started.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../index';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    acks: { type: 'string', default: '-1' },
    broker: { type: 'string', default: 'same' },
    json: { type: 'boolean', default: false },
  },
});
/** A whole number from the command line, or exit naming what was wrong with it. */
function wholeNumber(name: string, text: string, allowed?: readonly number[]): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (allowed ? !allowed.includes(n) : n < 1)) {
    console.error(
      `throughput.ts: ${name} must be ${allowed ? `one of ${allowed.join(', ')}` : 'a whole number above 0'}; got "${text}"`,
    );
    process.exit(2);
  }
  return n;
}
if (flags.broker !== 'same' && flags.broker !== 'process') {
  console.error(`throughput.ts: --broker must be "same" or "process"; got "${flags.broker}"`);
  process.exit(2);
}
const BROKER_PROCESS = flags.broker === 'process';
const JSON_OUTPUT = flags.json;
const RECORDS = wholeNumber('records', positionals[0] ?? '200000');
const VALUE_BYTES = wholeNumber('valueBytes', positionals[1] ?? '200');
const BATCH = 1000;
const PARTITIONS = 6;
const IN_FLIGHT = 4;
const TIME_LIMIT_MS = 300_000;
const ACKS = wholeNumber('--acks', flags.acks, [-1, 0, 1]);

interface Figure {
  name: string;
  ms: number;
}

const totalBytes = RECORDS * VALUE_BYTES;
const chunk = Buffer.alloc(BATCH * VALUE_BYTES, 'x');

function rate(f: Figure): string {
  const s = f.ms / 1000;
  return `${(RECORDS / s).toFixed(0).padStart(9)} rec/s  ${(totalBytes / s / 1e6).toFixed(1).padStart(7)} MB/s  (${f.ms.toFixed(0)} ms)`;
}

function fileBaseline(dir: string): Figure {
  const fd = openSync(join(dir, 'baseline.bin'), 'w');
  const start = performance.now();
  // one fsync per batch-sized chunk, as acks=-1 asks of the broker
  for (let written = 0; written < totalBytes; written += chunk.length) {
    writeSync(fd, chunk);
    fsyncSync(fd);
  }
  const ms = performance.now() - start;
  closeSync(fd);
  return { name: 'local file (write + fsync per 1000 records)', ms };
}

async function socketBaseline(): Promise<Figure> {
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = createServer((s) => {
    s.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= totalBytes) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const start = performance.now();
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    if (!client.write(chunk)) await new Promise<void>((resolve) => client.once('drain', () => resolve()));
  }
  await finished;
  const ms = performance.now() - start;
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { name: 'loopback TCP socket', ms };
}

interface BenchBroker {
  address: string;
  stop(): Promise<void>;
}

async function brokerProcess(dataDir: string): Promise<BenchBroker> {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`broker process exited with ${code}`)));
  });
  return {
    address,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function brokerRun(dir: string): Promise<{ produce: Figure; consume: Figure }> {
  const dataDir = join(dir, 'broker');
  const broker: BenchBroker = BROKER_PROCESS ? await brokerProcess(dataDir) : await startBroker({ dataDir });
  try {
    const kafka = new Kafka({ brokers: [broker.address], clientId: 'bench', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench', numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const value = Buffer.alloc(VALUE_BYTES, 'v');
    const producer = kafka.producer();
    await producer.connect();
    let next = 0;
    const start = performance.now();
    await Promise.all(
      [...Array(IN_FLIGHT)].map(async () => {
        while (next < RECORDS) {
          const from = next;
          next += BATCH;
          const messages = [];
          for (let i = from; i < Math.min(from + BATCH, RECORDS); i++)
            messages.push({ partition: i % PARTITIONS, value });
          await producer.send({ topic: 'bench', acks: ACKS, messages });
        }
      }),
    );
    const produce = { name: `kafkajs produce (acks=${ACKS}, 1000/send, 4 in flight)`, ms: performance.now() - start };
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'bench-readers', maxWaitTimeInMs: 100, maxBytes: 20 << 20 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench', fromBeginning: true });
    let seen = 0;
    let cstart = 0;
    let allRead: () => void = () => undefined;
    const read = new Promise<void>((resolve) => (allRead = resolve));
    await consumer.run({
      autoCommitInterval: 1000,
      eachBatch: async ({ batch }) => {
        if (cstart === 0) cstart = performance.now();
        seen += batch.messages.length;
        if (seen >= RECORDS) allRead();
      },
    });
    await read;
    const consume = { name: 'kafkajs consume (group, eachBatch)', ms: performance.now() - cstart };
    await consumer.disconnect();
    return { produce, consume };
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-bench-'));
  const guard = setTimeout(() => {
    process.stderr.write(`benchmark exceeded ${TIME_LIMIT_MS} ms; stopping\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }, TIME_LIMIT_MS);
  try {
    const file = fileBaseline(dir);
    const socket = await socketBaseline();
    const { produce, consume } = await brokerRun(dir);
    const where = BROKER_PROCESS ? 'broker in its own process' : 'broker in the same process as kafkajs';
    if (JSON_OUTPUT) {
      const figure = (f: Figure) => ({ name: f.name, ms: f.ms, recordsPerSec: RECORDS / (f.ms / 1000) });
      const figures = {
        produce: figure(produce),
        consume: figure(consume),
        file: figure(file),
        socket: figure(socket),
      };
      console.log(JSON.stringify({ records: RECORDS, valueBytes: VALUE_BYTES, acks: ACKS, where, ...figures }));
      return;
    }
    console.log(`${RECORDS} records of ${VALUE_BYTES} bytes (${(totalBytes / 1e6).toFixed(1)} MB of values), ${where}`);
    for (const f of [produce, consume, file, socket]) console.log(`${f.name.padEnd(50)} ${rate(f)}`);
    console.log(`produce / file:   ${(file.ms / produce.ms).toFixed(2)}x`);
    console.log(`produce / socket: ${(socket.ms / produce.ms).toFixed(2)}x`);
    console.log(`consume / file:   ${(file.ms / consume.ms).toFixed(2)}x`);
    console.log(`consume / socket: ${(socket.ms / consume.ms).toFixed(2)}x`);
  } finally {
    clearTimeout(guard);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
