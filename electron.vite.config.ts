// `npm run build:console`: the Electron main process, its preload and the console UI into out/main, out/preload
// and out/renderer (electron-vite's defaults; `--outDir` moves all three). The UI is
// the same build the appliance API serves to browsers (renderer/vite.config.ts writes the same out/renderer).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    // vite is loaded only to build a missing UI; it stays a dependency to import, not something to bundle.
    build: {
      externalizeDeps: { include: ['vite'] },
      rollupOptions: { input: { index: 'main/index.ts' } },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS, whatever the package's module type.
    build: {
      externalizeDeps: true,
      rollupOptions: { input: { index: 'main/preload.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [react()],
    build: { emptyOutDir: true, rollupOptions: { input: { index: 'renderer/index.html' } } },
  },
});
