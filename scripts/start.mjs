#!/usr/bin/env node
// `npm start`: the desktop window when Electron can open one, otherwise the appliance headless with the console
// URL to open in a browser, saying why no window opened. Extra arguments go to `gochat up`
// (for example `npm start -- --gateways 2 --admin-port 0`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** Why no window can open here, or null when Electron can run. */
function whyNoWindow() {
  let binary;
  try {
    binary = require('electron');
  } catch (err) {
    return `the Electron binary is not installed (${String(err.message).split('\n')[0]})`;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return `the Electron binary is missing (expected at ${String(binary)}; setup skips it where it cannot be downloaded)`;
  }
  if (!existsSync(join(root, 'main', 'index.ts'))) return 'the Electron main process (main/index.ts) is not there';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)';
  }
  return null;
}

/** Runs a child to completion, passing Ctrl-C / SIGTERM on, and exits with its code. */
function runToCompletion(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // The child shuts down in order; this process only waits for it.
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const reason = whyNoWindow();
if (reason === null) {
  console.log('start: opening the desktop window (electron-vite dev)');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  runToCompletion(spawn(npx, ['electron-vite', 'dev'], { cwd: root, stdio: 'inherit' }));
} else {
  // Infrastructure in the product's order of preference (external, then containers, then embedded) unless the
  // user names one.
  const args = process.argv.slice(2);
  const infra = args.some((a) => a === '--infra' || a.startsWith('--infra=')) ? [] : ['--infra', 'auto'];
  console.log(
    `start: no desktop window: ${reason}. Starting the appliance headless (gochat up ${[...infra, ...args].join(' ')}).`,
  );
  const child = spawn(process.execPath, [join(root, 'bin', 'gochat.mjs'), 'up', ...infra, ...args], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let partial = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const ready = /^ready: console (\S+)/.exec(line);
      if (ready)
        console.log(
          `start: open ${ready[1]} in a browser for the console (no window: ${reason}). Ctrl-C stops everything.`,
        );
    }
  });
  runToCompletion(child);
}
