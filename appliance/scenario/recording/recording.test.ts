import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../format/load';
import type { Step } from '../format/model';
import type { RecordedFrame, RecordedSession } from './session';
import { translateSession, withinFor } from './translate';
import { draftToYaml } from './write-yaml';

const T0 = 1_800_000_000_000;
const ALICE = 'u_aaaaaaaaaaaa';
const BOB = 'u_bbbbbbbbbbbb';
const CAROL = 'u_cccccccccccc';
const TEAM = 'g_111111111111';
const P2P = `p2p:${ALICE}:${BOB}`;

const signal = (atMs: number, user: string, signalType: string, payload: Record<string, unknown>): RecordedFrame => ({
  atMs: T0 + atMs,
  user,
  frame: { type: 'signal', signalType, payload },
});
const message = (
  atMs: number,
  user: string,
  clientMsgId: string,
  from: string,
  body: string,
  conversationId: string,
) => ({
  atMs: T0 + atMs,
  user,
  frame: { type: 'message', message: { clientMsgId, senderId: from, body, conversationId, seq: 1 } },
});

/** alice and bob chat (a friendship made while recording), bob reads, carol joins a group, a kill, a pause. */
function session(): RecordedSession {
  return {
    startedAtMs: T0,
    stoppedAtMs: T0 + 20_000,
    users: [
      { username: 'rec-alice', userId: ALICE, gatewayId: 'gw-1' },
      { username: 'rec-bob', userId: BOB, gatewayId: 'gw-2' },
      { username: 'carol', userId: CAROL, gatewayId: 'gw-1' },
      { username: 'idle', userId: 'u_dddddddddddd', gatewayId: 'gw-1' },
    ],
    connectedAtStart: ['rec-alice', 'idle'],
    friendsAtStart: [['rec-alice', 'carol']],
    groupsAtStart: [],
    actions: [
      { atMs: T0 + 100, kind: 'connect', user: 'rec-bob' },
      { atMs: T0 + 200, kind: 'befriend', user: 'rec-alice', otherUserId: BOB },
      { atMs: T0 + 300, kind: 'send', from: 'rec-alice', toUserId: BOB, body: 'hi ${bob}', clientMsgId: 'm1' },
      { atMs: T0 + 400, kind: 'read', user: 'rec-bob', conversationId: P2P, readSeq: 1 },
      { atMs: T0 + 500, kind: 'disconnect', user: 'rec-bob' },
      { atMs: T0 + 600, kind: 'connect', user: 'carol' },
      { atMs: T0 + 700, kind: 'create_group', user: 'rec-alice', groupId: TEAM, name: 'team', memberIds: [BOB] },
      { atMs: T0 + 800, kind: 'add_member', user: 'rec-alice', groupId: TEAM, memberId: CAROL },
      { atMs: T0 + 900, kind: 'send', from: 'carol', groupId: TEAM, body: 'hello team', clientMsgId: 'm2' },
      { atMs: T0 + 1000, kind: 'service', service: 'im-logic', action: 'pause' },
      { atMs: T0 + 1100, kind: 'service', service: 'im-task', action: 'kill' },
      { atMs: T0 + 1200, kind: 'send', from: 'carol', toUserId: BOB, body: 'not friends', clientMsgId: 'm3' },
    ],
    frames: [
      { atMs: T0 + 320, user: 'rec-alice', frame: { type: 'ack', clientMsgId: 'm1', seq: 1 } },
      message(340, 'rec-bob', 'm1', ALICE, 'hi ${bob}', P2P),
      signal(450, 'rec-alice', 'message.receipt.updated', { readerId: BOB, conversationId: P2P, readSeq: 1 }),
      signal(560, 'rec-alice', 'friend.status.changed', { userId: BOB, status: 'offline' }),
      signal(650, 'rec-alice', 'friend.status.changed', { userId: CAROL, status: 'online' }),
      signal(720, 'rec-alice', 'friend.request.received', { fromUserId: CAROL }),
      signal(850, 'rec-alice', 'group.member.changed', { groupId: TEAM, userId: CAROL, change: 'joined' }),
      signal(860, 'carol', 'group.member.changed', { groupId: TEAM, userId: CAROL, change: 'joined' }),
      { atMs: T0 + 910, user: 'carol', frame: { type: 'ack', clientMsgId: 'm2', seq: 1 } },
      message(3_000, 'rec-alice', 'm2', CAROL, 'hello team', `group:${TEAM}`),
      { atMs: T0 + 1210, user: 'carol', frame: { type: 'error', clientMsgId: 'm3', code: 'NOT_FRIENDS' } },
    ],
  };
}

function line(step: Step): string {
  return step.kind === 'expect' ? `expect ${step.expect.what.kind} ${step.expect.actors.join(',')}` : step.kind;
}

test('a recorded session becomes a scenario the checker accepts, replaying the actions in order', () => {
  const text = draftToYaml(translateSession(session(), 'recorded demo'));
  const scenario = parseScenario(text, 'recorded.yaml');
  assert.equal(scenario.name, 'recorded demo');
  assert.equal(scenario.gateways, 2, text);
  // Everyone who took part is a user created for the run; the idle client, who did and saw nothing, is left out.
  assert.deepEqual(
    scenario.actors.map((a) => [a.name, a.user, a.gateway]),
    [
      ['rec_alice', undefined, 'gw-1'],
      ['rec_bob', undefined, 'gw-2'],
      ['carol', undefined, 'gw-1'],
    ],
  );
  assert.deepEqual(
    scenario.friends.map((f) => [...f.a, ...f.b]),
    [
      ['rec_alice', 'rec_bob'],
      ['rec_alice', 'carol'],
    ],
  );
  assert.deepEqual(
    scenario.groups.map((g) => [g.name, g.owner, g.members]),
    [['team', 'rec_alice', ['rec_bob']]],
  );
  assert.deepEqual(scenario.steps.map(line), [
    'connect',
    'connect',
    'expect presence ',
    'send',
    'expect message rec_bob',
    'read',
    'expect signal rec_alice',
    'disconnect',
    'expect presence ',
    'expect signal rec_alice',
    'connect',
    'expect presence ',
    'expect signal rec_alice',
    'add_member',
    'expect signal rec_alice,carol',
    'send',
    'expect message rec_alice',
    'kill',
  ]);
});

test('expectations carry what was seen: ids as actors and groups, receipts with their seq, timings from then', () => {
  const text = draftToYaml(translateSession(session(), 'recorded demo'));
  const steps = parseScenario(text, 'recorded.yaml').steps;
  const expects = steps.flatMap((s) => (s.kind === 'expect' ? [s.expect] : []));
  const receipt = expects.find((e) => e.what.kind === 'signal' && e.what.signalType === 'message.receipt.updated');
  assert.deepEqual(receipt?.what, {
    kind: 'signal',
    signalType: 'message.receipt.updated',
    payload: { readerId: '${rec_bob}', readSeq: 1 },
  });
  const joined = expects.find((e) => e.what.kind === 'signal' && e.what.signalType === 'group.member.changed');
  assert.deepEqual(joined?.what, {
    kind: 'signal',
    signalType: 'group.member.changed',
    payload: { groupId: '${team}', userId: '${carol}', change: 'joined' },
  });
  const messages = expects.filter((e) => e.what.kind === 'message');
  // A ${ in a body cannot be sent literally (the format has no escape): it is sent and expected as "$ {".
  assert.deepEqual(
    messages.map((e) => e.what),
    [
      { kind: 'message', match: { from: 'rec_alice', body: 'hi $ {bob}' } },
      { kind: 'message', match: { from: 'carol', group: 'team', body: 'hello team' } },
    ],
  );
  // Delivered after 40 ms: the default 10 s; after 2.1 s (a slow moment): five times that.
  assert.deepEqual(
    messages.map((e) => e.withinMs),
    [10_000, 11_000],
  );
  const offline = expects.find((e) => e.what.kind === 'presence' && e.what.is === 'offline');
  assert.deepEqual(offline?.what, { kind: 'presence', user: 'rec_bob', is: 'offline' });
  // What cannot be replayed is said where it happened.
  assert.match(text, /# not replayed: pause im-logic \(a scenario has no step for it\)/);
  assert.match(text, /# not replayed: carol sent "not friends" \(it failed: NOT_FRIENDS\)/);
  assert.match(text, /# delivered within 40 ms while recording/);
  assert.match(text, /^# yaml-language-server: \$schema=/);
});

test('within is five times what it took while recording, between 10 s and 2 minutes', () => {
  assert.equal(withinFor(30), '10s');
  assert.equal(withinFor(3_100), '16s');
  assert.equal(withinFor(600_000), '120s');
});

test('a group made before the recording is declared when first used, owned by its first client member', () => {
  const base = session();
  const text = draftToYaml(
    translateSession(
      {
        ...base,
        connectedAtStart: ['rec-alice', 'rec-bob'],
        friendsAtStart: [['rec-alice', 'rec-bob']],
        groupsAtStart: [{ groupId: TEAM, name: 'old team', members: ['rec-bob', 'rec-alice'] }],
        actions: [{ atMs: T0 + 100, kind: 'send', from: 'rec-alice', groupId: TEAM, body: 'x', clientMsgId: 'm9' }],
        frames: [message(150, 'rec-bob', 'm9', ALICE, 'x', `group:${TEAM}`)],
      },
      'old group',
    ),
  );
  const scenario = parseScenario(text, 'old.yaml');
  assert.deepEqual(
    scenario.groups.map((g) => [g.name, g.owner, g.members]),
    [['old_team', 'rec_bob', ['rec_alice']]],
  );
  assert.deepEqual(scenario.steps.map(line), ['connect', 'send', 'expect message rec_bob']);
});
