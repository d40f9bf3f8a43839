// The one definition of what a client may send: each rule refuses with the field's name and the right code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDomainError } from './errors';
import {
  BODY_MAX_BYTES,
  checkBody,
  checkClientMsgId,
  checkContentType,
  checkSeq,
  historyPageSize,
  isValidId,
  searchPageSize,
} from './limits';

function refusal(code: string, message: RegExp) {
  return (err: unknown) => isDomainError(err) && err.code === code && message.test(err.message);
}

test('clientMsgId: 1-64 characters of [A-Za-z0-9_.:-]', () => {
  assert.equal(checkClientMsgId('c-1:a_b.c'), 'c-1:a_b.c');
  assert.equal(checkClientMsgId('x'.repeat(64)).length, 64);
  for (const bad of ['', 'has space', '<script>', 'x'.repeat(65), 'ü']) {
    assert.throws(() => checkClientMsgId(bad, 'client_msg_id'), refusal('INVALID_ARGUMENT', /^client_msg_id: /));
  }
});

test('body: not blank, counted in UTF-8 bytes', () => {
  assert.equal(checkBody('x'.repeat(BODY_MAX_BYTES)).length, BODY_MAX_BYTES);
  assert.throws(() => checkBody('x'.repeat(BODY_MAX_BYTES + 1)), refusal('BODY_TOO_LARGE', /16385 bytes/));
  // 6,000 characters, 18,000 bytes.
  assert.throws(() => checkBody('\u20ac'.repeat(6000)), refusal('BODY_TOO_LARGE', /18000 bytes/));
  assert.throws(() => checkBody(' \n'), refusal('INVALID_ARGUMENT', /^body: must not be empty/));
  assert.equal(checkBody('', 'message.body', { allowEmpty: true }), '');
});

test('content types, ids, seqs and page sizes', () => {
  assert.equal(checkContentType(''), 'text/plain');
  assert.throws(() => checkContentType('system/member'), refusal('INVALID_ARGUMENT', /not one of/));
  assert.ok(isValidId('u_alice'));
  assert.ok(!isValidId('a:b') && !isValidId('a b') && !isValidId('') && !isValidId('x'.repeat(129)));
  assert.equal(checkSeq(0, 'seq'), 0);
  assert.throws(() => checkSeq(-1, 'seq'), refusal('INVALID_ARGUMENT', /^seq: /));
  assert.throws(() => checkSeq(1.5, 'seq'), refusal('INVALID_ARGUMENT', /^seq: /));
  assert.deepEqual(
    [0, 1, 1000, 1001, 50_000].map((n) => historyPageSize(n)),
    [100, 1, 1000, 1000, 1000],
  );
  assert.deepEqual(
    [0, 5, 101].map((n) => searchPageSize(n)),
    [20, 5, 100],
  );
});
