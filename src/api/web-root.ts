import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (`<package>/dist/web`) of this installation, found by
 * walking up from this module to Fabrik's package.json — so it works from the
 * sources (tests) and from `dist/` alike. Undefined when it was not built.
 */
export function findWebRoot(start: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(start);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isFabrik(pkg)) {
      const web = join(dir, 'dist', 'web');
      return existsSync(join(web, 'index.html')) ? web : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isFabrik(pkg: string): boolean {
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'fabrik';
  } catch {
    return false;
  }
}
