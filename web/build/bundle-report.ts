import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

interface FileSize {
  file: string;
  bytes: number;
  gzip: number;
  initial: boolean;
}

/**
 * Writes .gz and .br beside every text file of the build (the node serves them
 * precompressed), prints what the first page load costs, and fails the build
 * when the initial JS+CSS goes over the budget.
 */
export function bundleReport(opts: { budgetGzipBytes: number }): Plugin {
  return {
    name: 'fabrik-bundle-report',
    apply: 'build',
    writeBundle(output, bundle) {
      const dir = output.dir!;
      const initial = new Set<string>();
      const visit = (name: string): void => {
        const chunk = bundle[name];
        if (!chunk || chunk.type !== 'chunk' || initial.has(name)) return;
        initial.add(name);
        for (const css of chunk.viteMetadata?.importedCss ?? []) initial.add(css);
        for (const dep of chunk.imports) visit(dep);
      };
      for (const [name, item] of Object.entries(bundle)) if (item.type === 'chunk' && item.isEntry) visit(name);

      const sizes: FileSize[] = [];
      for (const [name, item] of Object.entries(bundle)) {
        if (!COMPRESSIBLE.test(name)) continue;
        const body = Buffer.from(item.type === 'chunk' ? item.code : item.source);
        const gz = gzipSync(body, { level: 9 });
        writeFileSync(join(dir, `${name}.gz`), gz);
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        sizes.push({ file: name, bytes: body.length, gzip: gz.length, initial: initial.has(name) });
      }
      sizes.sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
      const first = sizes.filter((s) => s.initial && /\.(js|css)$/.test(s.file));
      const initialGzip = first.reduce((n, s) => n + s.gzip, 0);
      const initialBytes = first.reduce((n, s) => n + s.bytes, 0);
      const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
      const lines = sizes.map((s) => `  ${s.initial ? '*' : ' '} ${s.file.padEnd(40)} ${kb(s.bytes).padStart(10)} ${kb(s.gzip).padStart(10)} gzip`);
      console.log(`\ndashboard build → ${dir}\n${lines.join('\n')}`);
      console.log(`  initial JS+CSS (*): ${kb(initialBytes)}, ${kb(initialGzip)} gzipped (budget ${kb(opts.budgetGzipBytes)})\n`);
      writeFileSync(join(dir, 'build-report.json'), `${JSON.stringify({ initialBytes, initialGzipBytes: initialGzip, budgetGzipBytes: opts.budgetGzipBytes, files: sizes }, null, 2)}\n`);
      if (initialGzip > opts.budgetGzipBytes) {
        this.error(`the dashboard's initial JS+CSS is ${kb(initialGzip)} gzipped, over the ${kb(opts.budgetGzipBytes)} budget; lazy-load a page or drop a dependency`);
      }
    },
  };
}
