import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Sources live in top-level main/, preload/ and renderer/ (not src/), so every entry is explicit.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The key worker (main/keys/key-worker.ts) is a second entry: key-work.ts starts it
      // as key-worker.js next to the bundle, so both (and any shared chunk) stay in out/main.
      lib: { entry: { index: resolve(__dirname, 'main/index.ts'), 'key-worker': resolve(__dirname, 'main/keys/key-worker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but `electron`: bundle its dependencies in.
      externalizeDeps: false,
      lib: { entry: resolve(__dirname, 'preload/index.ts') },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
