import type { SiteConfig } from '../config/index.js';
import type { TagRegistry } from '../core/index.js';
import type { LatestRow } from '../fabric/index.js';
import type { EdgeStore } from '../store/index.js';
import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';

/** Folders of the site's file sources, which the store must let SQL read. */
export function fileSourceFolders(config: SiteConfig, dataDir: string): string[] {
  const folders = config.fabric.sources.flatMap((s) => (s.kind === 'files' ? [resolve(join(dataDir, 'files'), s.folder)] : []));
  // A registered folder exists from the start, so files dropped into it later are readable without a restart.
  for (const f of folders) mkdirSync(f, { recursive: true });
  return folders;
}

/** The live last-value table of every tag, from the store's in-memory latest values. */
export function fabricLatest(store: EdgeStore, tags: TagRegistry): () => LatestRow[] {
  return () => {
    const rows: LatestRow[] = [];
    for (const [index, s] of store.latestAll()) {
      const def = tags.get(index);
      if (!def) continue;
      const text = typeof s.value === 'string' ? s.value : null;
      const value = typeof s.value === 'number' ? s.value : typeof s.value === 'boolean' ? (s.value ? 1 : 0) : null;
      rows.push({ tag: def.id, assetPath: def.assetPath, unit: def.unit, ts: s.ts, value, valueText: text, qualityCode: s.quality });
    }
    return rows;
  };
}
