// Where the built console UI is, and building it when it is missing. electron-vite builds it into out/renderer;
// the plain Vite build (renderer/vite.config.ts) writes to the same folder, so either build serves both the
// Electron window and a browser.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer');

export function findBuiltRenderer(dir = DEFAULT_RENDERER_DIR): string | null {
  return existsSync(join(dir, 'index.html')) ? dir : null;
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
