import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { bundleReport } from './build/bundle-report.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dashboard: a static single-page app built into dist/web, served by the node at `/`. */
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  plugins: [bundleReport({ budgetGzipBytes: 300 * 1024 })],
});
