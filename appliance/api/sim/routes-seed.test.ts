import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../http/errors';
import { parseSeedRequest } from './routes-seed';

test('a seed body becomes numbered usernames with friendships and groups by index', () => {
  const request = parseSeedRequest({
    prefix: 'load',
    count: 3,
    password: 'a long password',
    friendships: [[0, 2]],
    groups: [{ name: 'all', owner: 1, members: [0, 2] }],
    tokens: true,
  });
  assert.deepEqual(request, {
    usernames: ['load0', 'load1', 'load2'],
    password: 'a long password',
    friendships: [[0, 2]],
    groups: [{ name: 'all', owner: 1, members: [0, 2] }],
    tokens: true,
  });
});

test('each bad part of a seed body is named', () => {
  const base = { prefix: 'load', count: 3, password: 'a long password' };
  const cases: [unknown, RegExp][] = [
    [{ ...base, count: 5001 }, /"count" must be an integer from 1 to 5000, got 5001/],
    [{ ...base, prefix: 'Bad Prefix' }, /"prefix" must be 1-24 characters/],
    [{ ...base, friendships: [[0, 3]] }, /friendships\[0\]\[1\] must be a user index from 0 to 2, got 3/],
    [{ ...base, friendships: [0] }, /friendships\[0\] must be \[a, b\]/],
    [
      { ...base, groups: [{ name: 'g', owner: 0, members: [1, -1] }] },
      /groups\[0\]\.members\[1\] must be a user index/,
    ],
    [{ ...base, groups: [{ owner: 0 }] }, /field "name" is required/],
    [{ ...base, password: undefined }, /field "password" is required/],
    [{ ...base, tokens: 'yes' }, /"tokens" must be true or false/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => parseSeedRequest(body),
      (err: unknown) => err instanceof BadRequestError && message.test(err.message),
      JSON.stringify(body),
    );
  }
});
