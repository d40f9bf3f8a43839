import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32c, crc32cImplementation, crc32cTables } from './crc32c';

test('CRC32C gives the Castagnoli check values, not the IEEE ones', () => {
  assert.equal(crc32c(Buffer.from('123456789')).toString(16), 'e3069283');
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32, 0)).toString(16), '8a9136aa');
  // a slice is checksummed like a copy of it (both the 8-byte and the byte-wise paths)
  const data = Buffer.from('xx123456789yy');
  assert.equal(crc32c(data, 2, 11), crc32c(Buffer.from('123456789')));
});

test('the native CRC32C is used here and agrees with the table-driven one on every length and slice', () => {
  // CI runs on linux-x64, where @node-rs/crc32 ships a prebuilt binary: the fallback must not be what runs there.
  if (process.env['CI'] === 'true') assert.equal(crc32cImplementation, 'native');
  assert.equal(crc32cTables(Buffer.from('123456789')).toString(16), 'e3069283');
  const data = randomBytes(5000);
  for (let length = 0; length < 300; length++) {
    assert.equal(crc32c(data.subarray(0, length)), crc32cTables(data, 0, length), `length ${length}`);
  }
  for (const [start, end] of [
    [7, 4099],
    [1, 2],
    [3000, 5000],
  ] as const) {
    assert.equal(crc32c(data, start, end), crc32cTables(data, start, end), `[${start}, ${end})`);
  }
});
