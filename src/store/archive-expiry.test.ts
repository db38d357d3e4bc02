import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder } from '../core/index.js';
import type { EdgeStore } from './edge-store.js';
import { openStore, registry, tagDef, tempDir } from './store-fixture.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 10, 12, 0, 0);
let stores: EdgeStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

describe('archive expiry', () => {
  it('deletes Parquet files past their class archive age, their records, and their rows from samples', async () => {
    const dir = tempDir();
    const tags = registry(1);
    tags.define(tagDef(5, { retentionClass: 'forever' }));
    const retention = {
      defaultClass: 'standard', checkEvery: 3_600_000,
      classes: { standard: { raw: 2 * DAY, archive: 10 * DAY }, forever: { raw: 2 * DAY } },
    };
    let now = NOW;
    const store = await openStore(dir, tags, { now: () => now, retention });
    stores.push(store);
    const b = new SampleBatchBuilder();
    for (let d = 0; d < 20; d++) for (const t of [0, 1]) b.push(t, NOW - d * DAY - 3_600_000, d, Quality.Good);
    await store.write(b.build());
    const first = await store.runRetention();
    expect(first.movedRows).toBe(2 * 18);
    // standard: files whose whole range is older than 10 days go; the class without `archive` keeps all.
    const gone = first.files.filter((f) => f.includes('part-standard-')).filter((f) => Number(/-(\d+)\.parquet$/.exec(f)![1]) <= NOW - 10 * DAY);
    expect(first.expiredFiles.sort()).toEqual(gone.sort());
    expect(gone.length).toBeGreaterThan(5);
    for (const f of gone) expect(fs.existsSync(f)).toBe(false);
    const count = (tag: string): Promise<unknown> => store.query(`SELECT count(*) FROM samples WHERE tag = '${tag}'`).then((r) => r.rows[0]![0]);
    expect(await count('line1.m0.temp')).toBe(20 - gone.length);
    expect(await count('line1.m5.temp')).toBe(20);
    const recs = await store.query(`SELECT count(*) FROM archive_files WHERE cls = 'standard'`);
    expect(recs.rows[0]![0]).toBe(first.files.filter((f) => f.includes('part-standard-')).length - gone.length);
    expect(store.stats().archivedRows).toBe(36 - gone.length);
    // A later run expires the next day's file as it ages.
    now += DAY;
    const second = await store.runRetention();
    expect(second.expiredFiles).toHaveLength(1);
    expect(await count('line1.m0.temp')).toBe(20 - gone.length - 1);
  });
});
