// gochat reset: deletes the data dir after confirmation, and only if it really is a gochat data dir.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { dataDirLayout, lockHolder } from '../supervisor/data-dir';

/** Entries any gochat data dir has at least one of; anything else is not ours to delete. */
const MARKERS = ['appliance.json', 'gochat.db', 'kafka', 'redis', 'logs', 'token-secret', 'seed.json', 'gochat.lock'];

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runReset(opts: { dataDir: string; yes?: boolean }): Promise<number> {
  const layout = dataDirLayout(opts.dataDir);
  if (!existsSync(layout.root)) {
    process.stdout.write(`nothing to reset: ${layout.root} does not exist\n`);
    return 0;
  }
  const pid = lockHolder(layout);
  if (pid !== undefined) {
    process.stderr.write(`gochat is running on ${layout.root} (pid ${pid}); run \`gochat down\` first\n`);
    return 1;
  }
  const entries = readdirSync(layout.root);
  if (entries.length > 0 && !entries.some((entry) => MARKERS.includes(entry))) {
    process.stderr.write(`refusing to delete ${layout.root}: it does not look like a gochat data dir\n`);
    return 1;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write(`refusing to delete ${layout.root} without --yes (not on a terminal, so cannot ask)\n`);
      return 1;
    }
    const ok = await confirm(`Delete ${layout.root} (users, messages, Kafka log, Redis dump, logs)? [y/N] `);
    if (!ok) {
      process.stdout.write('nothing deleted\n');
      return 1;
    }
  }
  process.stdout.write(`deleting ${layout.root}...\n`);
  rmSync(layout.root, { recursive: true, force: true });
  process.stdout.write('reset done\n');
  return 0;
}
