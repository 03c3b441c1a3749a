import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Run from the repo root (`vite build --config src/widget/vite.config.ts`), after the console build:
// paths are absolute so the cwd does not matter, and only dist/widget is emptied.
const root = resolve(import.meta.dirname, '../..');

export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'dist/widget'),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    reportCompressedSize: true,
    lib: {
      entry: resolve(import.meta.dirname, 'main.ts'),
      // Required by Vite for IIFE; the entry exports nothing, so no global of this name is created.
      name: 'KefuWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
