#!/usr/bin/env node
// Installs the project from its lockfile on any machine, including ones that cannot reach the host Electron's
// binary is downloaded from. Electron's own postinstall would fail the whole install there, so we probe first
// and, when the host is unreachable, install the package (and its types) without the binary. `npm start` then
// runs the appliance headless and prints the console URL instead of opening a window.
import { spawnSync } from 'node:child_process';
import { request } from 'node:https';

const ELECTRON_HOST = 'https://github.com/electron/electron/releases';

function canReach(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

const env = { ...process.env };
if (!env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  process.stdout.write('setup: checking whether the Electron binary can be downloaded... ');
  const reachable = await canReach(ELECTRON_HOST, 4000);
  if (reachable) {
    console.log('yes: the desktop window will be available.');
  } else {
    console.log('no: installing without it; `npm start` will run headless and print the console URL.');
    env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const args = process.argv.includes('--no-ci') ? ['install'] : ['ci'];
console.log(`setup: npm ${args.join(' ')} (native modules such as better-sqlite3 may compile for a minute or two)`);
const result = spawnSync(npm, [...args, '--no-audit', '--no-fund'], { stdio: 'inherit', env });
if (result.status !== 0) {
  console.error(`setup: npm ${args[0]} failed with exit code ${result.status}`);
  process.exit(result.status ?? 1);
}
console.log('setup: done.');
