import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDomainError, NotFound, Unavailable } from '../../../lib/errors';
import { asClientFacing } from './repo-call';

test("im-repo's finer refusal codes reach clients as the documented kind, with im-repo's message", () => {
  const fromRepo = new NotFound('user_ids: no user "u9"', { code: 'USER_NOT_FOUND' });
  const out = asClientFacing(fromRepo);
  assert.ok(isDomainError(out));
  assert.equal(out.kind, 'NOT_FOUND');
  assert.equal(out.code, 'NOT_FOUND');
  assert.equal(out.message, 'user_ids: no user "u9"');
  assert.equal(out.cause, fromRepo);
});

test('infrastructure failures and plain errors pass unchanged', () => {
  const timeout = new Unavailable('deadline', { code: 'DEADLINE_EXCEEDED' });
  assert.equal(asClientFacing(timeout), timeout);
  const bug = new Error('boom');
  assert.equal(asClientFacing(bug), bug);
});
