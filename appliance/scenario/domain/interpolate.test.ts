import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, interpolate, interpolateDeep, namesIn } from './interpolate';

const values: Record<string, unknown> = {
  n: 200,
  i: 4,
  bob: { id: 'u_bob', username: 'bob' },
  member: [{ id: 'u_m0' }, { id: 'u_m1' }],
};
const lookup = (name: string): unknown => values[name];

test('arithmetic, fields and indexes', () => {
  assert.equal(evaluate('n + 1', lookup), 201);
  assert.equal(evaluate('(i + 1) * 2 - n / 100 % 3', lookup), 8);
  assert.equal(evaluate('bob.username', lookup), 'bob');
  assert.deepEqual(evaluate('member[i - 3]', lookup), { id: 'u_m1' });
});

test('a whole ${} keeps its type; text around it makes a string; actors stand for their ids', () => {
  assert.equal(interpolate('${n}', lookup), 200);
  assert.equal(interpolate('hello ${bob} #${i + 1}', lookup), 'hello u_bob #5');
  assert.deepEqual(interpolateDeep({ userId: '${bob}', seq: '${i}' }, lookup), { userId: 'u_bob', seq: 4 });
});

test('unknown names and bad expressions are errors naming the expression', () => {
  assert.throws(() => evaluate('nope + 1', lookup), /unknown name "nope" in "nope \+ 1"/);
  assert.throws(() => evaluate('n +', lookup), /ends too early/);
  assert.throws(() => evaluate('n $ 2', lookup), /cannot read/);
  assert.deepEqual(namesIn('member[i + 1].username'), ['member', 'i']);
});
