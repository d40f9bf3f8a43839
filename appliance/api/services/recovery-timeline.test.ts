import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupInfo, ServiceStatus } from '../ports';
import { RecoveryTimeline, type TimelineEvent } from './recovery-timeline';

function status(name: string, change: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    name,
    kind: 'service',
    state: 'running',
    health: 'serving',
    pid: 1,
    port: null,
    addresses: {},
    startedAtMs: 0,
    restarts: 0,
    ...change,
  };
}

function lagOf(groupId: string, lag: number): GroupInfo {
  return {
    groupId,
    state: 'Stable',
    members: 1,
    partitions: [{ topic: 'gochat.messages.upstream', partition: 0, committedOffset: 0, highWatermark: lag, lag }],
  };
}

function timeline(names: string[]) {
  let nowMs = 1000;
  const pushed: TimelineEvent[] = [];
  const t = new RecoveryTimeline(
    names.map((n) => status(n)),
    (event) => pushed.push(event),
    () => nowMs,
  );
  return { t, pushed, advance: (ms: number) => (nowMs += ms) };
}

test('a kill is timed to serving again, acks flowing and the group caught up, then closed', () => {
  const { t, pushed, advance } = timeline(['im-logic']);
  t.killRequestedFor('im-logic');
  t.observeStatus(status('im-logic', { state: 'crashed', health: 'unknown', pid: null }));
  advance(500);
  t.observeStatus(status('im-logic', { state: 'starting', health: 'unknown' }));
  t.observeRecords([{ topic: 'gochat.messages.downstream' }]); // not back yet: no ack claimed
  advance(1500);
  t.observeStatus(status('im-logic', { restarts: 1 }));
  t.observeLag([lagOf('im-logic', 12)]);
  advance(300);
  t.observeRecords([{ topic: 'gochat.messages.upstream' }]);
  t.observeRecords([{ topic: 'gochat.messages.downstream' }]);
  advance(700);
  t.observeLag([lagOf('im-logic', 0)]);
  assert.deepEqual(
    pushed.map((e) => [e.kind, e.text, e.sinceFaultMs]),
    [
      ['kill', 'killed (SIGKILL); restarting', undefined],
      ['healthy', 'serving normally 2.0 s after the kill', 2000],
      ['acks', 'first ack since it was back, 2.3 s after the kill', 2300],
      ['caught-up', 'consumer lag back to 0 3.0 s after the kill (1.0 s after it was back)', 3000],
    ],
  );
  assert.equal(t.recovering(), false, 'the fault is closed once everything is back');
});

test('a crash nobody asked for, a pause and consumer latency are told apart; retries are counted into one event', () => {
  const { t, pushed, advance } = timeline(['im-task', 'im-repo']);
  t.observeStatus(status('im-repo', { state: 'crashed', lastExitCode: 1 }));
  advance(1500);
  t.observeRecords([{ topic: 'gochat.messages.downstream' }]); // acks go on while im-repo is down (say, cached)
  t.observeStatus(status('im-repo'));
  t.observeStatus(status('im-task', { paused: true }));
  advance(4000);
  t.observeStatus(status('im-task'));
  t.observeStatus(status('im-task', { consumerLatencyMs: 200 }));
  advance(1000);
  t.observeStatus(status('im-task'));
  for (let i = 0; i < 3; i++) {
    t.observeLog({ service: 'im-task', timeMs: 0, level: 'error', msg: 'event handler failed; will retry', raw: '' });
    advance(100);
  }
  const kinds = pushed.map((e) => `${e.service} ${e.kind}: ${e.text}`);
  assert.deepEqual(kinds, [
    'im-repo crash: crashed (exit 1); restarting',
    'im-repo healthy: serving normally 1.5 s after the crash',
    'im-repo acks: acks kept flowing throughout the crash: not on the ack path',
    'im-task pause: paused (SIGSTOP)',
    'im-task resume: resumed (SIGCONT)',
    'im-task healthy: serving normally 4.0 s after the pause',
    'im-task latency: consumer latency 200 ms per batch',
    'im-task latency: consumer latency cleared',
    'im-task healthy: serving normally 1.0 s after the latency',
    'im-task retrying: event handler failing, retrying',
    'im-task retrying: event handler failing, retried 2 times',
    'im-task retrying: event handler failing, retried 3 times',
  ]);
  const retries = pushed.filter((e) => e.kind === 'retrying');
  assert.equal(new Set(retries.map((e) => e.id)).size, 1, 'one event, pushed again as its count grows');
  assert.equal(t.list().filter((e) => e.kind === 'retrying').length, 1);
  assert.equal(t.recovering(), true, 'im-task still waits for acks');
});
