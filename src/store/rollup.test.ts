import { afterEach, describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder } from '../core/index.js';
import type { EdgeStore } from './edge-store.js';
import { openStore, registry, tempDir } from './store-fixture.js';

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const FROM_RAW = `SELECT time_bucket(INTERVAL 1 minute, ts) AS bucket, tag, count(value) AS count, min(value) AS min, max(value) AS max,
  avg(value) AS avg, arg_min(value, ts) FILTER (value IS NOT NULL) AS first, arg_max(value, ts) FILTER (value IS NOT NULL) AS last,
  count(value) FILTER (quality = 'good') AS good_count
  FROM samples GROUP BY ALL HAVING count(value) > 0 ORDER BY tag, bucket`;
const FROM_ROLLUPS = `SELECT bucket, tag, count, min, max, avg, first, last, good_count FROM rollups_1m ORDER BY tag, bucket`;

let stores: EdgeStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

function rounded(rows: unknown[][]): unknown[][] {
  return rows.map((r) => r.map((v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)));
}

describe('rollups_1m', () => {
  it('equals aggregates over raw, with late samples into a persisted minute and duplicates', async () => {
    let now = T0 + 10 * 60_000;
    const dir = tempDir();
    const tags = registry(3);
    const store = await openStore(dir, tags, { now: () => now });
    stores.push(store);
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 600; i++) b.push(i % 3, T0 + i * 500, Math.round(Math.cos(i / 7) * 1000) / 100, i % 10 === 0 ? Quality.Uncertain : Quality.Good);
    await store.write(b.build());
    now += 60_000;
    await store.flush();
    // Every minute up to now has closed and been persisted; add late and duplicate samples to them.
    const late = new SampleBatchBuilder();
    late.push(0, T0 + 1_234, 99.5, Quality.Good);
    late.push(0, T0 - 5, -42, Quality.Bad);
    late.push(1, T0 + 500 * 4, Math.round(Math.cos(4 / 7) * 1000) / 100, Quality.Good);
    late.push(2, T0 + 59_999, Number.NaN, Quality.Good);
    late.push(2, T0 + 60_000 * 4 + 1, 7, Quality.Good);
    await store.write(late.build());
    const raw = rounded((await store.query(FROM_RAW)).rows);
    expect(raw.length).toBeGreaterThan(10);
    expect(rounded((await store.query(FROM_ROLLUPS)).rows)).toEqual(raw);
    await store.compact();
    expect(rounded((await store.query(FROM_ROLLUPS)).rows)).toEqual(raw);
  });

  it('recomputes minutes that were still open when the store went down', async () => {
    const dir = tempDir();
    const tags = registry(2);
    const now = T0 + 30_000;
    let store = await openStore(dir, tags, { now: () => now });
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 200; i++) b.push(i % 2, T0 - 60_000 + i * 450, i, Quality.Good);
    await store.write(b.build());
    await store.close();
    store = await openStore(dir, tags, { now: () => now + 120_000 });
    stores.push(store);
    const more = new SampleBatchBuilder();
    more.push(0, T0 + 50_000, 1000, Quality.Good);
    await store.write(more.build());
    await store.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(rounded((await store.query(FROM_ROLLUPS)).rows)).toEqual(rounded((await store.query(FROM_RAW)).rows));
  });
});
