import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from './load';
import { ScenarioFileError, type ScenarioProblem } from './model';

function problemsOf(text: string): ScenarioProblem[] {
  try {
    parseScenario(text, 'case.yaml');
  } catch (error) {
    if (error instanceof ScenarioFileError) return error.problems;
    throw error;
  }
  assert.fail('expected the scenario to be refused');
}

const GOOD = `scenario: demo
vars: { n: 3 }
actors:
  alice: {}
  bob: { devices: 2, gateway: gw-2 }
  member: { count: "\${n}" }
setup:
  friends: [[alice, bob]]
  groups:
    team: { owner: alice, members: [bob, "member[*]"] }
steps:
  - connect: [alice, bob]
  - send: { from: alice, to: bob, body: hi }
  - expect: { actor: bob, message: { from: alice, body: hi }, within: 2s }
  - repeat:
      times: 2
      as: i
      steps:
        - send: { from: "member[\${i}]", group: team, body: "m \${i}" }
  - expect: { actor: "member[*]", message: { group: team }, count: 2 }
`;

test('a valid scenario becomes typed steps that keep their lines', () => {
  const scenario = parseScenario(GOOD, 'good.yaml');
  assert.equal(scenario.name, 'demo');
  assert.deepEqual(
    scenario.actors.map((a) => [a.name, a.gateway, a.devices, a.count]),
    [
      ['alice', 'gw-1', 1, undefined],
      ['bob', 'gw-2', 2, undefined],
      ['member', 'gw-1', 1, '${n}'],
    ],
  );
  assert.deepEqual(scenario.groups[0]?.members, ['bob', 'member[*]']);
  assert.deepEqual(
    scenario.steps.map((s) => [s.kind, s.line]),
    [
      ['connect', 12],
      ['send', 13],
      ['expect', 14],
      ['repeat', 15],
      ['expect', 20],
    ],
  );
  const expect = scenario.steps[2];
  assert.ok(expect?.kind === 'expect');
  assert.equal(expect.expect.withinMs, 2000);
  assert.deepEqual(expect.expect.what, { kind: 'message', match: { from: 'alice', body: 'hi' } });
});

test('YAML syntax errors name the line', () => {
  const [problem] = problemsOf('scenario: x\nsteps:\n  - connect: [a\n');
  assert.equal(problem?.file, 'case.yaml');
  assert.match(problem!.message, /not valid YAML/);
  assert.ok(problem!.line >= 3, `line ${problem!.line}`);
});

test('an unknown step is named with the steps there are, at its line', () => {
  const problems = problemsOf('scenario: x\nactors: { a: {} }\nsteps:\n  - connect: a\n  - sned: { from: a }\n');
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.line, 5);
  assert.match(problems[0]!.message, /unknown step "sned".*connect, disconnect/);
});

test('schema errors: missing fields, wrong forms and unknown fields, each at its line', () => {
  const problems = problemsOf(
    [
      'scenario: x',
      'actors: { a: { devices: 0 } }',
      'steps:',
      '  - send: { to: a }',
      '  - wait: soon',
      '  - expect: { actor: a, signal: s, colour: red }',
    ].join('\n'),
  );
  const byLine = problems.map((p) => `${p.line}: ${p.message}`);
  assert.ok(
    byLine.some((p) => /^2: actors\.a\.devices should be >= 1/.test(p)),
    byLine.join('\n'),
  );
  assert.ok(
    byLine.some((p) => /^4: steps\.0\.send is missing "from"/.test(p)),
    byLine.join('\n'),
  );
  assert.ok(
    byLine.some((p) => /^5: steps\.1\.wait has the wrong form.*"soon"/.test(p)),
    byLine.join('\n'),
  );
  assert.ok(
    byLine.some((p) => /^6: unknown field "colour"/.test(p)),
    byLine.join('\n'),
  );
});

test('references to undeclared actors, groups, variables and services are refused before running', () => {
  const problems = problemsOf(
    [
      'scenario: x',
      'actors: { alice: {}, member: { count: 3 } }',
      'steps:',
      '  - send: { from: carol, to: alice }',
      '  - send: { from: alice, group: nope }',
      '  - connect: member',
      '  - send: { from: alice, to: alice, body: "${missing}" }',
      '  - kill: im-foo',
      '  - expect: { actor: alice, signal: s, presence: { user: alice, is: online } }',
      '  - connect: "alice[2]"',
    ].join('\n'),
  );
  const byLine = problems.map((p) => `${p.line}: ${p.message}`).join('\n');
  assert.match(byLine, /^4: unknown actor "carol"; actors: alice, member$/m);
  assert.match(byLine, /^5: unknown group "nope"/m);
  assert.match(byLine, /^6: "member" has 3 users/m);
  assert.match(byLine, /^7: .*"missing", which is not a variable/m);
  assert.match(byLine, /^8: "im-foo" is not a service/m);
  assert.match(byLine, /^9: an expectation needs exactly one of .*this one has signal and presence/m);
  assert.match(byLine, /^10: "alice" is one user/m);
});

test('a loop counter is known inside its repeat only', () => {
  const problems = problemsOf(
    [
      'scenario: x',
      'actors: { m: { count: 2 } }',
      'steps:',
      '  - repeat: { times: 2, as: i, steps: [{ connect: "m[${i}]" }] }',
      '  - connect: "m[${i}]"',
    ].join('\n'),
  );
  assert.deepEqual(
    problems.map((p) => p.line),
    [5],
  );
});
