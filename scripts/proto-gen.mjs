#!/usr/bin/env node
// Regenerates proto/gen from the .proto contracts with buf (shipped inside its npm package) and ts-proto.
//   npm run proto:gen     rewrite proto/gen
//   npm run proto:check   lint the contracts and fail if proto/gen differs from what they generate
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const protoDir = join(root, 'proto');
const genDir = join(protoDir, 'gen');
const buf = join(root, 'node_modules', '.bin', 'buf');
const check = process.argv.includes('--check');

function run(args, cwd) {
  const r = spawnSync(buf, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`proto: buf ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

function listFiles(dir, out = new Map()) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) listFiles(full, out);
    else out.set(full, readFileSync(full, 'utf8'));
  }
  return out;
}

run(['lint'], protoDir);
if (!check) {
  rmSync(genDir, { recursive: true, force: true });
  run(['generate'], protoDir);
  console.log(`proto: generated ${listFiles(genDir).size} files in proto/gen`);
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), 'gochat-proto-'));
try {
  run(['generate', '--output', scratch], protoDir);
  const fresh = listFiles(join(scratch, 'gen'));
  const committed = listFiles(genDir);
  const diffs = [];
  for (const [file, text] of fresh) {
    const rel = relative(join(scratch, 'gen'), file);
    if (committed.get(join(genDir, rel)) !== text) diffs.push(rel);
  }
  for (const file of committed.keys()) {
    if (!fresh.has(join(scratch, 'gen', relative(genDir, file)))) diffs.push(relative(genDir, file));
  }
  if (diffs.length) {
    console.error(`proto: proto/gen is out of date (${diffs.join(', ')}); run npm run proto:gen and commit`);
    process.exit(1);
  }
  console.log(`proto: proto/gen is current (${fresh.size} files)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
