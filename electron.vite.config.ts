// `npm run build:console`: the Electron main process, its preload and the console UI, all into out/. The UI is
// the same build the appliance API serves to browsers (renderer/vite.config.ts writes the same out/renderer).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    // vite is loaded only to build a missing UI; it stays a dependency to import, not something to bundle.
    build: {
      outDir: 'out/main',
      externalizeDeps: { include: ['vite'] },
      rollupOptions: { input: { index: 'main/index.ts' } },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS, whatever the package's module type.
    build: {
      outDir: 'out/preload',
      externalizeDeps: true,
      rollupOptions: { input: { index: 'main/preload.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [react()],
    build: { outDir: 'out/renderer', emptyOutDir: true, rollupOptions: { input: { index: 'renderer/index.html' } } },
  },
});
