import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Accounts } from './accounts';
import { isDomainError } from './errors';
import { hashPassword, verifyPassword } from './password';
import { FakeRepo } from './test-fakes';
import { TokenSigner } from './token';

const SECRET = 'a-secret-of-at-least-16-chars';

function setup(nowMs = 1_000_000) {
  const repo = new FakeRepo();
  const clock = { now: nowMs, nowMs: () => clock.now };
  const accounts = new Accounts(repo, new TokenSigner(SECRET, 60_000), clock);
  return { repo, clock, accounts };
}

function rejectedWith(reason: string, field?: string) {
  return (err: unknown) => {
    assert.ok(isDomainError(err), `expected a rejection, got ${String(err)}`);
    assert.equal(err.code, reason);
    if (field) assert.match(err.message, new RegExp(`^${field}`));
    return true;
  };
}

describe('register', () => {
  test('stores a salted scrypt hash with its parameters, never the password', async () => {
    const { repo, accounts } = setup();
    const user = await accounts.register({ username: 'alice', password: 'correct horse', displayName: '' });
    assert.equal(user.username, 'alice');
    assert.equal(user.displayName, 'alice');
    const stored = repo.users.get('alice')?.passwordHash ?? '';
    assert.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!stored.includes('correct horse'));
    const again = await hashPassword('correct horse');
    assert.notEqual(again, stored, 'two hashes of one password differ by salt');
  });

  test('names the bad field', async () => {
    const { accounts } = setup();
    for (const username of ['ab', 'Alice', 'a'.repeat(33), 'al ice', 'al:ice']) {
      await assert.rejects(
        accounts.register({ username, password: 'longenough', displayName: '' }),
        rejectedWith('INVALID_ARGUMENT', 'username'),
      );
    }
    await assert.rejects(
      accounts.register({ username: 'bob', password: 'short', displayName: '' }),
      rejectedWith('INVALID_ARGUMENT', 'password'),
    );
    await assert.rejects(
      accounts.register({ username: 'bob', password: 'longenough', displayName: 'x'.repeat(65) }),
      rejectedWith('INVALID_ARGUMENT', 'display_name'),
    );
  });

  test('a taken username is ALREADY_EXISTS', async () => {
    const { accounts } = setup();
    await accounts.register({ username: 'carol', password: 'longenough', displayName: 'Carol' });
    await assert.rejects(
      accounts.register({ username: 'carol', password: 'otherpass1', displayName: '' }),
      rejectedWith('ALREADY_EXISTS'),
    );
  });
});

describe('login and tokens', () => {
  test('the right password gives a token that verifies to the user', async () => {
    const { accounts } = setup();
    const user = await accounts.register({ username: 'dave', password: 'longenough', displayName: 'Dave' });
    const session = await accounts.login({ username: 'dave', password: 'longenough' });
    assert.equal(session.user.userId, user.userId);
    assert.equal(session.expiresAtMs, 1_000_000 + 60_000);
    const verified = await accounts.verifyToken(session.token);
    assert.equal(verified.user.userId, user.userId);
    assert.equal(verified.expiresAtMs, session.expiresAtMs);
  });

  test('a wrong password and an unknown user are the same UNAUTHENTICATED', async () => {
    const { accounts } = setup();
    await accounts.register({ username: 'erin', password: 'longenough', displayName: '' });
    let wrong = '';
    let unknown = '';
    await assert.rejects(
      accounts.login({ username: 'erin', password: 'longenougH' }),
      (e: Error) => ((wrong = e.message), rejectedWith('UNAUTHENTICATED')(e)),
    );
    await assert.rejects(
      accounts.login({ username: 'nobody', password: 'longenough' }),
      (e: Error) => ((unknown = e.message), rejectedWith('UNAUTHENTICATED')(e)),
    );
    assert.equal(wrong, unknown, 'the reply does not reveal whether the username exists');
  });

  test('expired, forged and foreign tokens are refused', async () => {
    const { accounts, clock } = setup();
    await accounts.register({ username: 'frank', password: 'longenough', displayName: '' });
    const { token } = await accounts.login({ username: 'frank', password: 'longenough' });
    const [payload = '', signature = ''] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'u999', exp: 9e15 })).toString('base64url');
    await assert.rejects(accounts.verifyToken(`${forgedPayload}.${signature}`), rejectedWith('UNAUTHENTICATED'));
    await assert.rejects(
      accounts.verifyToken(`${payload}.${signature.slice(0, -2)}AA`),
      rejectedWith('UNAUTHENTICATED'),
    );
    await assert.rejects(accounts.verifyToken('garbage'), rejectedWith('UNAUTHENTICATED'));
    const foreign = new TokenSigner('another-secret-16chars', 60_000).issue('u1', clock.now).token;
    await assert.rejects(accounts.verifyToken(foreign), rejectedWith('UNAUTHENTICATED'));
    clock.now += 60_000;
    await assert.rejects(
      accounts.verifyToken(token),
      (e: Error) => rejectedWith('UNAUTHENTICATED')(e) && /expired/.test(e.message),
    );
  });

  test('a stored hash with absurd parameters does not verify (and does not exhaust memory)', async () => {
    assert.equal(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA==$a2V5'), false);
    assert.equal(await verifyPassword('x', 'plaintext'), false);
  });
});
