import { retentionSchema, storeSchema } from '../config/index.js';
import { Quality, TagRegistry, type SampleBatch } from '../core/index.js';
import { EdgeStore } from '../store/index.js';

/** The synthetic lines a seeded site holds: tags line<L>.m<K>.temp. */
export interface SeedSpec {
  lines: readonly number[];
  tagsPerLine: number;
  /** First timestamp (epoch ms) and spacing of each tag's samples. */
  from: number;
  stepMs: number;
  samplesPerTag: number;
  onProgress?: (written: number) => void;
}

/** Tag id of machine `k` on line `line`. */
export function seedTag(line: number, k: number): string {
  return `line${line}.m${k}.temp`;
}

/** The deterministic value of sample `i` of a tag: the same on every node and in every run. */
export function seedValue(line: number, k: number, i: number): number {
  return Math.round((20 + line + 5 * Math.sin(i / 50 + k) + ((i * 7919 + k * 104_729 + line * 31) % 1000) / 1000) * 1000) / 1000;
}

/**
 * Writes deterministic samples of the given lines into the store at
 * `dataDir` through the normal write path (for tests and the fabric bench:
 * each node of a site gets its own lines, a reference node all of them).
 */
export async function seedSite(dataDir: string, spec: SeedSpec): Promise<number> {
  const tags = new TagRegistry();
  const ids: { line: number; k: number; index: number }[] = [];
  for (const line of spec.lines) {
    for (let k = 0; k < spec.tagsPerLine; k++) {
      const index = tags.define({ id: seedTag(line, k), assetPath: `acme/plant/area/line${line}/m${k}`, point: 'temp', dataType: 'number', unit: '°C', description: `machine ${k} temperature`, retentionClass: 'standard', source: 'seed', writable: false });
      ids.push({ line, k, index });
    }
  }
  const store = await EdgeStore.open({
    dataDir, tags, store: storeSchema.parse({ memoryLimit: '1GB', compactEvery: '1h' }),
    retention: retentionSchema.parse({ checkEvery: '24h', classes: { standard: { raw: 3650 * 86_400_000 } } }),
  });
  let written = 0;
  try {
    const stepsPerBatch = Math.max(1, Math.floor(200_000 / ids.length));
    const pending: Promise<void>[] = [];
    for (let s0 = 0; s0 < spec.samplesPerTag; s0 += stepsPerBatch) {
      const steps = Math.min(stepsPerBatch, spec.samplesPerTag - s0);
      pending.push(store.write(batch(ids, spec, s0, steps)));
      written += steps * ids.length;
      if (pending.length >= 8) await pending.shift();
      spec.onProgress?.(written);
    }
    await Promise.all(pending);
    await store.flush();
    await store.compact();
  } finally {
    await store.close();
  }
  return written;
}

function batch(ids: readonly { line: number; k: number; index: number }[], spec: SeedSpec, s0: number, steps: number): SampleBatch {
  const n = ids.length * steps;
  const tag = new Uint32Array(n);
  const ts = new Float64Array(n);
  const value = new Float64Array(n);
  const quality = new Uint8Array(n).fill(Quality.Good);
  let i = 0;
  for (let s = s0; s < s0 + steps; s++) {
    for (const id of ids) {
      tag[i] = id.index;
      ts[i] = spec.from + s * spec.stepMs;
      value[i] = seedValue(id.line, id.k, s);
      i++;
    }
  }
  return { length: n, tag, ts, arrival: ts, value, quality, text: null };
}
