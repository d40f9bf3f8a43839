// The broker-wide cap on request bytes: a connection whose frame does not fit in what is left waits (is not
// read) until the others' requests are done, instead of every connection buffering up to 100 MiB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker, type Broker } from './index';
import { Writer } from './codec/writer';
import { RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const CAP = 1024 * 1024;
const FRAME = 700 * 1024;

/** An ApiVersions v0 request padded to `size` bytes (its handler reads no body, the padding is ignored). */
function paddedApiVersions(correlationId: number, size: number): Buffer {
  const head = new Writer().int32(size).int16(18).int16(0).int32(correlationId).string('pool-test').toBuffer();
  const frame = Buffer.alloc(4 + size);
  head.copy(frame);
  return frame;
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await sleep(10);
  assert.ok(cond(), `never: ${what}`);
}

function responses(client: RawKafkaClient): Promise<number> {
  // one response frame is due; resolve with its correlation id
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    client.socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 8 && buf.length >= 4 + buf.readInt32BE(0)) resolve(buf.readInt32BE(4));
    });
  });
}

describe('request memory pool', () => {
  const dir = makeTempDir('request-memory');
  let broker: Broker;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), maxBufferedRequestBytes: CAP });
  });

  after(async () => {
    await broker.stop();
    dir.remove();
  });

  test('a second large frame waits for the first one to finish, then is served', async () => {
    const a = await RawKafkaClient.connect(broker.port);
    const b = await RawKafkaClient.connect(broker.port);
    try {
      const aAnswer = responses(a);
      const bAnswer = responses(b);
      const frameA = paddedApiVersions(1, FRAME);
      a.sendRaw(frameA.subarray(0, 1000)); // size known, body still coming: its bytes are reserved
      await until('frame A reserved', () => broker.requestMemory().reservedBytes === FRAME + 4);
      b.sendRaw(paddedApiVersions(2, FRAME));
      await until('connection B waiting', () => broker.requestMemory().waitingConnections === 1);
      assert.equal(broker.requestMemory().reservedBytes, FRAME + 4);
      a.sendRaw(frameA.subarray(1000));
      assert.equal(await aAnswer, 1);
      assert.equal(await bAnswer, 2);
      await until('pool empty', () => broker.requestMemory().reservedBytes === 0);
      assert.equal(broker.requestMemory().waitingConnections, 0);
    } finally {
      a.close();
      b.close();
    }
  });

  test('a connection closed mid-frame gives its reservation back', async () => {
    const a = await RawKafkaClient.connect(broker.port);
    a.sendRaw(paddedApiVersions(1, FRAME).subarray(0, 100));
    await until('frame reserved', () => broker.requestMemory().reservedBytes === FRAME + 4);
    a.close();
    await until('reservation released', () => broker.requestMemory().reservedBytes === 0);
  });
});
