import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from './crc32c';

test('CRC32C gives the Castagnoli check values, not the IEEE ones', () => {
  assert.equal(crc32c(Buffer.from('123456789')).toString(16), 'e3069283');
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32, 0)).toString(16), '8a9136aa');
  // a slice is checksummed like a copy of it (both the 8-byte and the byte-wise paths)
  const data = Buffer.from('xx123456789yy');
  assert.equal(crc32c(data, 2, 11), crc32c(Buffer.from('123456789')));
});
