// The layering in eslint.config.js is only worth what it reports: each zone gets a forbidden import (which must be
// reported, with the zone's message) and an allowed one (which must not). The snippets are linted as if they sat at
// the given path, so nothing is written into the tree. An integration test: loading ESLint and TypeScript takes
// seconds, which the quick unit suite does not spend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const root = new URL('..', import.meta.url).pathname;

// Type-aware rules need every snippet in the TypeScript project; the import rules under test only need paths.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function boundaryErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${path}` });
  assert.ok(result, `no lint result for ${path}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${path} did not parse`);
  return result.messages
    .filter((m) =>
      ['import-x/no-restricted-paths', 'no-restricted-imports', 'no-restricted-syntax'].includes(m.ruleId ?? ''),
    )
    .map((m) => m.message);
}

const cases: { name: string; path: string; source: string; reported: RegExp | null }[] = [
  {
    name: 'lib/ importing the appliance',
    path: 'lib/fixture-upward.ts',
    source: "export { startSupervisor } from '../appliance/supervisor/supervisor';\n",
    reported: /lib\/ and infra\/ are used by the layers above them/,
  },
  {
    name: 'lib/ importing a service',
    path: 'lib/kafka/fixture-upward.ts',
    source: "export * from '../../services/im-repo/config';\n",
    reported: /lib\/ and infra\/ are used by the layers above them/,
  },
  {
    name: 'infra/ importing a service, even from a test',
    path: 'infra/resp-server/fixture-upward.test.ts',
    source: "export * from '../../services/im-repo/adapters/redis/presence-store.suite';\n",
    reported: /lib\/ and infra\/ are used by the layers above them/,
  },
  {
    name: 'an infra/ test importing e2e support',
    path: 'infra/providers/fixture-upward.test.ts',
    source: "export * from '../../e2e/support/redis';\n",
    reported: /lib\/ and infra\/ are used by the layers above them/,
  },
  {
    name: 'infra/ importing lib/ (allowed: lib/ is not above it)',
    path: 'infra/providers/fixture-down.ts',
    source: "export { createLogger } from '../../lib/log';\n",
    reported: null,
  },
  {
    name: 'a service importing e2e support',
    path: 'services/im-logic/fixture-tests.ts',
    source: "export * from '../../e2e/support/chat-client';\n",
    reported: /Production code does not import tests or test support/,
  },
  {
    name: 'the bench importing test support',
    path: 'bench/fixture-tests.ts',
    source: "export * from '../appliance/test-support/chat-client';\n",
    reported: /Production code does not import tests or test support/,
  },
  {
    name: 'the appliance importing a test suite',
    path: 'appliance/fixture-tests.ts',
    source: "export * from '../services/im-repo/adapters/redis/presence-store.suite';\n",
    reported: /Production code does not import tests or test support/,
  },
  {
    name: 'a test importing e2e support (allowed)',
    path: 'services/im-logic/fixture.test.ts',
    source: "export * from '../../e2e/support/chat-client';\n",
    reported: null,
  },
  {
    name: 'domain code reaching gRPC through lib/grpc',
    path: 'services/im-logic/domain/fixture-grpc.ts',
    source: "export { ERROR_CODE_METADATA_KEY } from '../../../lib/grpc/errors';\n",
    reported: /only transports and adapters use lib\/grpc/,
  },
  {
    name: 'lib/errors.ts importing gRPC',
    path: 'lib/errors.ts',
    source: "export { status } from '@grpc/grpc-js';\n",
    reported: /Domain code does not import transport or adapter libraries/,
  },
  {
    name: 'domain code importing lib/errors (allowed)',
    path: 'services/im-logic/domain/fixture-errors.ts',
    source: "export { NotFound } from '../../../lib/errors';\n",
    reported: null,
  },
  {
    name: 'the API contract importing an implementation module',
    path: 'appliance/api/contract.ts',
    source: "export type { FlowHop } from './flows/flow-tracker';\n",
    reported: /contract.ts declares the API shapes itself and imports nothing/,
  },
  {
    name: "the broker's log importing its protocol layer",
    path: 'infra/kafka-broker/log/fixture-upward.ts',
    source: "export * from '../protocol/context';\n",
    reported: /log\/ and groups\/ sit below protocol\//,
  },
  {
    name: "the broker's codec importing its log",
    path: 'infra/kafka-broker/codec/fixture-upward.ts',
    source: "export * from '../log/batch';\n",
    reported: /codec\/ \(bytes and error codes\) is the bottom layer/,
  },
  {
    name: "the broker's groups importing the codec (allowed)",
    path: 'infra/kafka-broker/groups/fixture-down.ts',
    source: "export { ErrorCode } from '../codec/error-codes';\n",
    reported: null,
  },
  {
    name: 'the renderer importing Node code',
    path: 'renderer/src/fixture.ts',
    source: "export * from '../../lib/log';\n",
    reported: /The renderer talks to the appliance API/,
  },
];

for (const c of cases) {
  test(`lint: ${c.name} ${c.reported ? 'is reported' : 'is allowed'}`, async () => {
    const errors = await boundaryErrors(c.path, c.source);
    if (c.reported) {
      assert.equal(errors.length, 1, `expected one boundary error for ${c.path}, got ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, c.reported);
    } else assert.deepEqual(errors, []);
  });
}

test('lint: the react-hooks rules check the renderer', async () => {
  const [result] = await eslint.lintText(
    [
      "import { useEffect, useState } from 'react';",
      'export function Counter({ step }: { step: number }) {',
      '  const [n, setN] = useState(0);',
      '  useEffect(() => {',
      '    const t = setInterval(() => setN((x) => x + step), 1000);',
      '    return () => clearInterval(t);',
      '  }, []);',
      '  return n;',
      '}',
      '',
    ].join('\n'),
    { filePath: `${root}renderer/src/fixture-hooks.tsx` },
  );
  assert.deepEqual(
    result?.messages.map((m) => m.ruleId),
    ['react-hooks/exhaustive-deps'],
  );
});
