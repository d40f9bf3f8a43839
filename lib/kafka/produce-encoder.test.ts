import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { crc32c as castagnoli } from '../crc32c';
import { encodeProduceBody, kafkajsProduceV3, type ProduceRequestArgs } from './produce-encoder';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: number | string): { toString(): string } };
const crc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

async function kafkajsBytes(args: ProduceRequestArgs): Promise<Buffer> {
  const encoder = (await kafkajsProduceV3(args).encode()) as unknown as { buf: Buffer; offset: number };
  return encoder.buf.subarray(0, encoder.offset);
}

const T = 1796224677319;
const big = 'x'.repeat(20_000);

function args(overrides: Partial<ProduceRequestArgs> = {}): ProduceRequestArgs {
  return {
    acks: -1,
    timeout: 30000,
    transactionalId: null,
    producerId: Long.fromValue('4611686018427387904'),
    producerEpoch: 3,
    compression: 0,
    topicData: [
      {
        topic: 'gochat.messages.upstream',
        partitions: [
          {
            partition: 4,
            firstSequence: 1234,
            messages: [
              {
                key: 'p2p:u_1:u_2',
                value: Buffer.from([1, 2, 3, 200]),
                headers: { 'event-type': 'message.upstream', traceparent: Buffer.from('00-ab-cd-01') },
                timestamp: T + 5,
              },
              { key: null, value: 'héllo wörld ✓', headers: { multi: ['a', Buffer.from('b')] } },
              { key: Buffer.from('k'), value: big, timestamp: String(T) },
              { key: 'no-headers', value: null },
            ],
          },
          { partition: 0, messages: [{ key: 'k', value: Buffer.alloc(0), headers: {} }] },
        ],
      },
      { topic: 'gochat.notifications', partitions: [{ partition: 17, firstSequence: 0, messages: [] }] },
    ],
    ...overrides,
  };
}

test('the request body is byte for byte what kafkajs writes (stamped and unstamped records, every field shape)', async (t) => {
  t.mock.method(Date, 'now', () => T + 1000);
  for (const a of [
    args(),
    args({ producerId: Long.fromValue(-1), producerEpoch: 0 }),
    args({ transactionalId: 'tx-1' }),
  ]) {
    const ours = encodeProduceBody(a, crc32c, T + 1000);
    assert.ok(ours, 'encoded');
    assert.deepEqual(ours, await kafkajsBytes(a));
  }
});

test('a batch whose records carry no timestamp takes the request time, as kafkajs does', async (t) => {
  t.mock.method(Date, 'now', () => T);
  const a = args({
    topicData: [
      {
        topic: 't',
        partitions: [
          {
            partition: 1,
            messages: [
              { key: 'a', value: 'b' },
              { key: 'c', value: 'd' },
            ],
          },
        ],
      },
    ],
  });
  assert.deepEqual(encodeProduceBody(a, crc32c, T), await kafkajsBytes(a));
  assert.deepEqual(encodeProduceBody(a, castagnoli, T), await kafkajsBytes(a), "our CRC-32C is kafkajs's");
});

test('a compressed request is left to kafkajs', () => {
  assert.equal(encodeProduceBody(args({ compression: 1 }), crc32c), undefined);
});

test('the installed encoder answers every later produce version (v4-v7 build on v3) with the same bytes', async (t) => {
  t.mock.method(Date, 'now', () => T);
  const v7 = require('kafkajs/src/protocol/requests/produce/v7/request.js') as typeof kafkajsProduceV3;
  const request = v7(args());
  const encoder = (await request.encode()) as unknown as { buf: Buffer; offset: number };
  assert.equal((request as unknown as { apiVersion: number }).apiVersion, 7);
  assert.equal(encoder.offset, encoder.buf.length, 'one exact buffer, nothing to copy out');
  assert.deepEqual(encoder.buf, await kafkajsBytes(args()));
});
