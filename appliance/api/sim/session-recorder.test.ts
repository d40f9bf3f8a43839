import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../../scenario/format/load';
import { BadRequestError } from '../http/errors';
import { SessionRecorder, type ClientSnapshot, type RecordingStatus } from './session-recorder';

const ann = { username: 'ann', userId: 'u_aaaaaaaaaaaa', gatewayId: 'gw-1' };
const ben = { username: 'ben', userId: 'u_bbbbbbbbbbbb', gatewayId: 'gw-1' };

test('Record, actions and frames, Stop: a scenario file of what happened, the counts pushed as it goes', async () => {
  const clients: ClientSnapshot[] = [
    { ...ann, connected: true, friendIds: [ben.userId], groups: [] },
    { ...ben, connected: true, friendIds: [ann.userId], groups: [] },
  ];
  const pushed: RecordingStatus[] = [];
  const recorder = new SessionRecorder(
    () => clients,
    (s) => pushed.push(s),
  );
  // Before Record nothing is kept.
  recorder.action(ann, { kind: 'disconnect', user: 'ann' });
  assert.equal(recorder.start().recording, true);
  assert.throws(() => recorder.start(), BadRequestError);
  const t = Date.now();
  recorder.action(ann, { kind: 'send', from: 'ann', toUserId: ben.userId, body: 'hi', clientMsgId: 'c1' }, t);
  recorder.frame(ann, { type: 'ack', clientMsgId: 'c1', seq: 1 });
  recorder.frame(ben, { type: 'message', message: { clientMsgId: 'c1', senderId: ann.userId, body: 'hi' } });
  // Reported when done, stamped with when it began: the read comes after the push and before its receipt in the
  // file (the frames are stamped as they arrive, so the steps are spaced on the clock).
  const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
  await tick();
  recorder.action(
    ben,
    { kind: 'read', user: 'ben', conversationId: `p2p:${ann.userId}:${ben.userId}`, readSeq: 1 },
    Date.now(),
  );
  await tick();
  recorder.frame(ann, {
    type: 'signal',
    signalType: 'message.receipt.updated',
    payload: { readerId: ben.userId, conversationId: `p2p:${ann.userId}:${ben.userId}`, readSeq: 1 },
  });
  assert.deepEqual([recorder.status().actions, recorder.status().frames], [2, 3]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(pushed.at(-1)?.frames, 3, 'the counts are pushed while recording');

  const { file, text, status } = recorder.stop();
  assert.match(file, /^recorded-\d{8}-\d{6}\.yaml$/);
  assert.equal(status.recording, false);
  assert.equal(status.last?.file, file);
  assert.deepEqual(recorder.last(), { file, text });
  const scenario = parseScenario(text, file);
  assert.deepEqual(
    scenario.steps.map((s) => s.kind),
    ['connect', 'send', 'expect', 'read', 'expect'],
  );
  assert.deepEqual(
    scenario.friends.map((f) => [...f.a, ...f.b]),
    [['ann', 'ben']],
  );
  assert.throws(() => recorder.stop(), /no recording is running/);
  recorder.close();
});
