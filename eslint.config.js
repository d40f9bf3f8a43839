// Lint rules that keep the map honest: the layering below is enforced here, not described in a wiki.
//   renderer/        never imports Node code, services or infra: it talks to the appliance API only
//   services/<a>/    never imports services/<b>/; services meet through proto/ contracts and Kafka topics
//   */domain/        never imports transport or adapter code, nor the libraries those wrap (nor lib/grpc/)
//   lib/, infra/     never import the layers built on them (appliance, services, main, renderer, e2e, bench)
//   production code  never imports tests or test support (e2e/, test-support/, *.test.ts, *.suite.ts, ...)
// scripts/lint-boundaries.int.test.ts lints fixtures against this file: a zone that stops reporting fails a test.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';

const SERVICES = ['im-gateway', 'im-logic', 'im-repo', 'im-task'];
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'child_process', 'net', 'http', 'https', 'os', 'crypto'];
const ADAPTER_LIBRARIES = ['@grpc/grpc-js', 'kafkajs', 'ioredis', 'better-sqlite3', 'ws', 'node:http', 'node:net'];
// what lib/ and infra/ sit under: everything that runs on them
const ABOVE_LIB_AND_INFRA = ['./appliance', './services', './main', './renderer', './e2e', './bench'];
// tests and the code that only tests use; production code never imports these
const TEST_CODE = [
  'e2e/**',
  '**/test-support/**',
  '**/test-support.ts',
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.suite.ts',
  '**/*.fixture.ts',
];

const LAYER_ZONES = [
  // no service imports another service
  ...SERVICES.map((name) => ({
    target: `./services/${name}`,
    from: SERVICES.filter((other) => other !== name).map((other) => `./services/${other}`),
    message: 'Services meet only through proto/ contracts and Kafka topics.',
  })),
  // the renderer talks only to the appliance API
  {
    target: './renderer',
    from: ['./services', './infra', './lib', './main'],
    message: 'The renderer talks to the appliance API through its client module only.',
  },
  {
    target: './renderer',
    from: './appliance',
    // the API's JSON shapes, types only
    except: ['./api/contract.ts'],
    message: 'The renderer talks to the appliance API through its client module only.',
  },
  // domain code does not know about transports or adapters
  ...SERVICES.map((name) => ({
    target: `./services/${name}/domain`,
    from: [`./services/${name}/transport`, `./services/${name}/adapters`],
    message: 'Domain code declares the interfaces it needs; adapters implement them.',
  })),
  // nor does it reach gRPC through the shared library: lib/errors.ts is pure, lib/grpc/ is for transports
  ...SERVICES.map((name) => ({
    target: `./services/${name}/domain`,
    from: './lib/grpc',
    message: 'Domain code raises lib/errors; only transports and adapters use lib/grpc.',
  })),
  // the embedded broker: protocol/ answers requests with log/ and groups/, which share the wire codec below them all
  ...['log', 'groups'].map((dir) => ({
    target: `./infra/kafka-broker/${dir}`,
    from: './infra/kafka-broker/protocol',
    message: "The broker's log/ and groups/ sit below protocol/; what they share with it lives in codec/.",
  })),
  {
    target: './infra/kafka-broker/codec',
    from: ['./infra/kafka-broker/protocol', './infra/kafka-broker/log', './infra/kafka-broker/groups'],
    message: "The broker's codec/ (bytes and error codes) is the bottom layer and imports none of the broker.",
  },
  // the shared libraries and the infrastructure are below everything that uses them
  ...['./lib', './infra'].map((target) => ({
    target,
    from: ABOVE_LIB_AND_INFRA,
    message: 'lib/ and infra/ are used by the layers above them and never import them.',
  })),
];
const TEST_CODE_ZONE = {
  target: '**/*',
  from: TEST_CODE.map((pattern) => `./${pattern}`),
  message: 'Production code does not import tests or test support; move what it needs out of the test code.',
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'proto/gen/**', 'e2e/artifacts/**'],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['./tsconfig.json', './renderer/tsconfig.json', './e2e/console/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test registers tests synchronously; the promises it returns are the runner's to await
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'import-x/no-cycle': ['error', { maxDepth: 8, ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYER_ZONES }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: TEST_CODE,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: [...LAYER_ZONES, TEST_CODE_ZONE] },
      ],
    },
  },
  {
    // lib/errors.ts is what domain code imports for its errors, so it stays as free of adapters as the domain
    files: ['services/*/domain/**/*.ts', 'lib/errors.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ADAPTER_LIBRARIES.map((name) => ({
            name,
            message: 'Domain code does not import transport or adapter libraries.',
          })),
        },
      ],
    },
  },
  {
    // the API's JSON shapes: the renderer's one import from the appliance, so it brings nothing else along
    files: ['appliance/api/contract.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['ImportDeclaration', 'ExportAllDeclaration', 'ExportNamedDeclaration[source]'].map((selector) => ({
          selector,
          message: 'contract.ts declares the API shapes itself and imports nothing.',
        })),
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: reactHooks.configs.flat.recommended.plugins,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: NODE_BUILTINS, message: 'The renderer runs in a browser: no Node modules.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
