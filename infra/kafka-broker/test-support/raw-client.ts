// A minimal Kafka client speaking raw frames, for protocol-level tests and fuzzing.
import { connect, type Socket } from 'node:net';
import { Reader } from '../codec/reader';
import { Writer } from '../codec/writer';

export class RawKafkaClient {
  private buffered = Buffer.alloc(0);
  private nextCorrelation = 1;
  private readonly waiting = new Map<number, (body: Reader) => void>();
  private closedWaiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.closedWaiters.forEach((f) => f());
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawKafkaClient(socket)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const waiter = this.waiting.get(correlationId);
      this.waiting.delete(correlationId);
      waiter?.(new Reader(frame, 4));
    }
  }

  private frame(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void): Buffer {
    const w = new Writer();
    w.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).string('raw-test-client');
    body(w);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    return frame;
  }

  /** Sends a request for which no response is due (Produce with acks=0). */
  send(apiKey: number, apiVersion: number, body: (w: Writer) => void): void {
    this.socket.write(this.frame(apiKey, apiVersion, this.nextCorrelation++, body));
  }

  /** Sends a request with a v1 header and resolves with a reader over the response body. */
  request(apiKey: number, apiVersion: number, body: (w: Writer) => void, timeoutMs = 10_000): Promise<Reader> {
    const correlationId = this.nextCorrelation++;
    const frame = this.frame(apiKey, apiVersion, correlationId, body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(new Error(`no response to api ${apiKey} v${apiVersion} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(correlationId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.socket.write(frame);
    });
  }

  sendRaw(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Resolves true once the broker closes the connection, false if it stays open for `ms`. */
  waitClosed(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.closedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export function produceBody(topic: string, partition: number, batch: Buffer, acks: number) {
  return (w: Writer): void => {
    w.nullableString(null).int16(acks).int32(10_000);
    w.array([topic], (w2, t) => {
      w2.string(t);
      w2.array([partition], (w3, p) => w3.int32(p).bytes(batch));
    });
  };
}

/** Produce v7 of one batch to one partition; returns [errorCode, baseOffset]. */
export async function produceBatch(
  client: RawKafkaClient,
  topic: string,
  partition: number,
  batch: Buffer,
  acks = -1,
): Promise<[number, number]> {
  const r = await client.request(0, 7, produceBody(topic, partition, batch, acks));
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  const code = r.int16();
  return [code, r.int64()];
}

/**
 * Fetch v11 of one partition from `offset` as a consumer sends it (no replica, min 1 byte, read uncommitted, no
 * fetch session), waiting up to maxWaitMs for records. Resolves with the answer read up to that partition's error
 * code, which is next.
 */
export async function fetchPartition(
  client: RawKafkaClient,
  request: { topic: string; partition: number; offset: number; maxWaitMs: number },
  timeoutMs?: number,
): Promise<Reader> {
  const maxBytes = 1 << 20;
  const r = await client.request(
    1,
    11,
    (w) => {
      w.int32(-1).int32(request.maxWaitMs).int32(1).int32(maxBytes).int8(0).int32(0).int32(-1);
      w.array([request.topic], (w2, t) => {
        w2.string(t);
        w2.array([request.partition], (w3, p) => w3.int32(p).int32(-1).int64(request.offset).int64(-1).int32(maxBytes));
      });
      w.int32(0).string('');
    },
    timeoutMs,
  );
  r.int32(); // throttle time
  r.int16(); // error code of the whole request
  r.int32(); // session id
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32(); // partition index
  return r;
}
