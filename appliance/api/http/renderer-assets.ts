// Where the built console UI is, and building it when it is missing. electron-vite builds it into out/renderer;
// the plain Vite build (renderer/vite.config.ts) writes to the same folder, so either build serves both the
// Electron window and a browser.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer');

export function findBuiltRenderer(dir = DEFAULT_RENDERER_DIR): string | null {
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** Newest modification time of the UI's sources (renderer/, without build output). */
function newestSource(dir = join(PROJECT_ROOT, 'renderer')): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when the sources changed after the build (a pulled update): serving it would show an old console. */
export function isStale(dir: string): boolean {
  try {
    return statSync(join(dir, 'index.html')).mtimeMs < newestSource();
  } catch {
    return true;
  }
}

/** Builds the console with Vite's JS API (no Electron needed), reporting progress lines through log. */
export async function buildRenderer(log: (line: string) => void, outDir = DEFAULT_RENDERER_DIR): Promise<string> {
  log(`console: building the UI into ${outDir} (first start only; takes a few seconds)...`);
  const started = Date.now();
  const vite = await import('vite');
  await vite.build({
    configFile: join(PROJECT_ROOT, 'renderer', 'vite.config.ts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  log(`console: UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}
