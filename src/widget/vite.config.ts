import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// Run from the repo root (`vite build --config src/widget/vite.config.ts`), after the console build:
// paths are absolute so the cwd does not matter, and only dist/widget is emptied.
const root = resolve(import.meta.dirname, '../..');

/**
 * The phone-number metadata the callback form validates with (libphonenumber-js's `min` set) without its formatting
 * rules (index 4 of each country): the widget only parses and validates, and the formats are half the set's size.
 * The server validates again with the full metadata.
 */
const phoneMetadataWithoutFormats: Plugin = {
  name: 'kefu-phone-metadata-without-formats',
  enforce: 'pre',
  transform(code, id) {
    // The package's ES entry is metadata.min.json.js: `export default {…}`, the JSON as an object literal.
    if (!/libphonenumber-js[\\/]metadata\.min\.json(\.js)?$/.test(id.split('?')[0])) return null;
    const json = code.slice(code.indexOf('{'), code.lastIndexOf('}') + 1);
    const metadata = JSON.parse(json) as { countries: Record<string, unknown[]> };
    for (const country of Object.values(metadata.countries)) country[4] = null;
    return { code: `export default ${JSON.stringify(metadata)};`, map: null };
  },
};

export default defineConfig({
  root: import.meta.dirname,
  plugins: [phoneMetadataWithoutFormats],
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
