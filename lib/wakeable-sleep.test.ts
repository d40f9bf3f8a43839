import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WakeableSleep } from './wakeable-sleep';

test('a sleep nobody wakes resolves after its time', async () => {
  const sleeps = new WakeableSleep();
  const started = performance.now();
  await sleeps.sleep(30);
  assert.ok(performance.now() - started >= 25, 'waited its time');
  assert.equal(sleeps.sleeping, 0, 'forgotten once over');
});

test('wakeAll ends every sleep in progress at once, and only those', async () => {
  const sleeps = new WakeableSleep();
  const woken: string[] = [];
  const a = sleeps.sleep(60_000).then(() => woken.push('a'));
  const b = sleeps.sleep(60_000).then(() => woken.push('b'));
  assert.equal(sleeps.sleeping, 2);
  const started = performance.now();
  sleeps.wakeAll();
  await Promise.all([a, b]);
  assert.deepEqual(woken.sort(), ['a', 'b']);
  assert.ok(performance.now() - started < 1000, 'did not wait for the timers');
  assert.equal(sleeps.sleeping, 0);

  let late = false;
  const c = sleeps.sleep(30).then(() => (late = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(late, false, 'a sleep started after wakeAll is not woken by it');
  await c;
});

test('wakeAll with nobody sleeping does nothing, and a timer that ran out is not kept', async () => {
  const sleeps = new WakeableSleep();
  sleeps.wakeAll();
  await sleeps.sleep(1);
  sleeps.wakeAll();
  assert.equal(sleeps.sleeping, 0);
});
