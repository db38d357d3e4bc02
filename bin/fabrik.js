#!/usr/bin/env node
// The CLI is compiled by `npm run build` (run by `npm install` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('fabrik: not built yet. Run `npm install` (or `npm run build`) in the fabrik folder first.\n');
  process.exit(1);
}
await import(entry.href);
