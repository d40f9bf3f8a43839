#!/usr/bin/env node
// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   npm test                     every suite: unit, then integration, then e2e (what CI runs)
//   npm run test:unit            *.test.ts outside e2e/: in-process only, files in parallel
//   npm run test:integration     *.int.test.ts: child processes, the real broker, redis-server, SQLite files
//   npm run test:e2e             e2e/: the whole system of real processes, and the console in Chromium
//   npm test -- <path>           the test files under a path, each in its own suite's way
// Which suite a file is in follows from its name, and the unit suite checks it: a unit file that starts a child
// process fails (scripts/unit-guard.mjs) and has to be named *.int.test.ts. Test files sit next to the code they
// test; multi-process flows live in e2e/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', 'artifacts']);
const SUITES = ['unit', 'integration', 'e2e'];

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

function suiteOf(file) {
  if (file.startsWith('e2e/')) return 'e2e';
  if (file.endsWith('.int.test.ts')) return 'integration';
  return 'unit';
}

function run(suite, files) {
  console.log(`run-tests: ${suite}: ${files.length} test files`);
  const unit = suite === 'unit';
  const args = [
    '--import',
    'tsx',
    // unit files run side by side, and may not start a process; the others share the machine one at a time
    ...(unit ? ['--import', './scripts/unit-guard.mjs'] : []),
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${unit ? Math.max(2, availableParallelism()) : 1}`,
    ...files,
  ];
  const result = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test' },
  });
  return result.status ?? 1;
}

const arg = process.argv[2];
const all = findTests(root).sort();
let chosen;
if (!arg) chosen = all;
else if (SUITES.includes(arg)) chosen = all.filter((f) => suiteOf(f) === arg);
else chosen = all.filter((f) => f.startsWith(arg.replace(/^\.\//, '')));
if (chosen.length === 0) {
  console.error(`run-tests: no test files match ${arg ?? '(all)'}`);
  process.exit(1);
}
let status = 0;
for (const suite of SUITES) {
  const files = chosen.filter((f) => suiteOf(f) === suite);
  // every suite runs even after a failure, so one run reports everything that is wrong
  if (files.length > 0) status = run(suite, files) || status;
}
process.exit(status);
