// Plain Vite build of the console UI, used when Electron is absent (the appliance API builds it on first start).
// electron.vite.config.ts builds the same root into the same folder. (No node: imports here: the renderer folder
// is linted as browser code; import.meta.dirname is all the config needs.)
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: `${import.meta.dirname}/../out/renderer`, emptyOutDir: true },
});
