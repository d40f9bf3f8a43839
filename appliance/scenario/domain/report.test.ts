import assert from 'node:assert/strict';
import { test } from 'node:test';
import { junitReport, textReport } from './report';
import type { RunResult } from './run-scenario';

const run: RunResult = {
  scenario: 'quotes "and" <tags>',
  file: 'x.yaml',
  ok: false,
  durationMs: 1500,
  steps: [
    {
      type: 'step',
      id: '1',
      line: 4,
      label: 'connect alice',
      kind: 'connect',
      actors: ['alice'],
      status: 'passed',
      startedAtMs: 0,
      durationMs: 12,
      detail: '1 user',
    },
    {
      type: 'step',
      id: '2',
      line: 5,
      label: 'bob receives a message',
      kind: 'expect',
      actors: ['bob'],
      status: 'failed',
      startedAtMs: 0,
      durationMs: 1000,
      failure: { actor: 'bob', expected: 'a message "two"', seen: 'message "one" \u0001 & more' },
    },
    {
      type: 'step',
      id: '3',
      line: 6,
      label: 'send',
      kind: 'send',
      actors: ['alice'],
      status: 'skipped',
      startedAtMs: 0,
    },
  ],
};

test('the text report names actor, expected and seen under the failed step, with its line', () => {
  const text = textReport(run);
  assert.match(
    text,
    /✗ 2 +line 5 +bob receives a message \(1000 ms\)\n +actor: +bob\n +expected: a message "two"\n +seen: +message "one"/,
  );
  assert.match(text, /- 3 +line 6 +send/);
  assert.match(text, /^FAILED quotes .*: 1 passed, 1 failed, 1 skipped in 1\.5 s$/m);
});

test('JUnit XML escapes what XML cannot hold and marks failures and skips', () => {
  const xml = junitReport([run]);
  assert.match(
    xml,
    /<testsuite name="quotes &quot;and&quot; &lt;tags&gt;" file="x.yaml" tests="3" failures="1" skipped="1"/,
  );
  assert.match(
    xml,
    /<failure message="bob: expected a message &quot;two&quot;; seen message &quot;one&quot; {2}&amp; more">/,
  );
  assert.ok(!xml.includes('\u0001'), 'a control character reached the XML');
  assert.match(xml, /<skipped\/>/);
});
