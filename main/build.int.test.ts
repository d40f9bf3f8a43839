// The Electron binary cannot be downloaded here, so the desktop build is checked as far as it can be without it:
// electron-vite builds main, preload and renderer, and the built files keep the window's security settings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test(
  'npm run build:console produces main, a CommonJS preload exposing only address and token, and the UI',
  { timeout: 180_000 },
  () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gochat-electron-build-')), 'out');
    try {
      const root = join(import.meta.dirname, '..');
      const build = spawnSync(
        process.execPath,
        [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', out],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 170_000,
        },
      );
      assert.equal(build.status, 0, `electron-vite build failed:\n${build.stdout}\n${build.stderr}`);

      const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
      assert.match(main, /contextIsolation:\s*true/);
      assert.match(main, /nodeIntegration:\s*false/);
      assert.match(main, /sandbox:\s*true/);
      assert.match(main, /preload\/index\.cjs/);

      const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
      assert.match(preload, /require\("electron"\)/, 'a sandboxed preload must be CommonJS');
      const exposed = [...preload.matchAll(/exposeInMainWorld\("(\w+)"/g)].map((m) => m[1]);
      assert.deepEqual(exposed, ['gochat']);
      assert.doesNotMatch(
        preload,
        /ipcRenderer|require\("(fs|child_process|node:)/,
        'the preload exposes no IPC and no Node modules',
      );

      const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
      assert.match(html, /<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  },
);
