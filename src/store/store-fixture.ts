import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { retentionSchema, storeSchema, type RetentionConfig, type StoreConfig } from '../config/index.js';
import { TagRegistry, type TagDefinition } from '../core/index.js';
import { EdgeStore } from './edge-store.js';

/** Test support: a temp data dir, a registry with `n` tags and an open store. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fabrik-store-'));
}

export function tagDef(i: number, over: Partial<TagDefinition> = {}): TagDefinition {
  return {
    id: `line1.m${i}.temp`, assetPath: `acme/site1/area1/line1/m${i}`, point: 'temp', dataType: 'number', unit: 'degC',
    description: `tag ${i}`, retentionClass: 'standard', source: 'sim', writable: false, ...over,
  };
}

export function registry(n: number): TagRegistry {
  const tags = new TagRegistry();
  for (let i = 0; i < n; i++) tags.define(tagDef(i));
  return tags;
}

export interface FixtureOptions {
  store?: Partial<StoreConfig>;
  retention?: Partial<RetentionConfig>;
  now?: () => number;
}

export function openStore(dataDir: string, tags: TagRegistry, o: FixtureOptions = {}): Promise<EdgeStore> {
  return EdgeStore.open({
    dataDir, tags,
    store: { ...storeSchema.parse({ commitInterval: 20 }), ...o.store },
    retention: { ...retentionSchema.parse({}), ...o.retention },
    ...(o.now ? { now: o.now } : {}),
  });
}
