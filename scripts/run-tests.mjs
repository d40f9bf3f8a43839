#!/usr/bin/env node
// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   npm test            every suite
//   npm test -- unit    only files named *.test.ts outside e2e/ and bench/ (fast, no processes to start)
//   npm test -- <path>  the test files under a path
// Test files are named *.test.ts and sit next to the code they test; multi-process flows live in e2e/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', 'artifacts']);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const arg = process.argv[2];
let files = findTests(root).sort();
if (arg === 'unit') files = files.filter((f) => !f.startsWith('e2e/') && !f.startsWith('bench/'));
else if (arg) files = files.filter((f) => f.startsWith(arg.replace(/^\.\//, '')));
if (files.length === 0) {
  console.error(`run-tests: no test files match ${arg ?? '(all)'}`);
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
