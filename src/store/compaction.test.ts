import { afterEach, describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder } from '../core/index.js';
import type { EdgeStore } from './edge-store.js';
import { openStore, registry, tempDir } from './store-fixture.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2025, 2, 3);
const FROM_RAW = `SELECT time_bucket(INTERVAL 1 minute, ts) AS bucket, tag, count(value), min(value), max(value), round(avg(value), 9),
  arg_min(value, ts), arg_max(value, ts), count(value) FILTER (quality = 'good')
  FROM samples GROUP BY ALL ORDER BY tag, bucket`;
const FROM_ROLLUPS = `SELECT bucket, tag, count, min, max, round(avg, 9), first, last, good_count FROM rollups_1m ORDER BY tag, bucket`;
let stores: EdgeStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

describe('compaction', () => {
  it('seals each closed day into one (k, ts) sort, keeps results, and re-seals late rows', async () => {
    let now = D0 + DAY / 2;
    const store = await openStore(tempDir(), registry(3), { now: () => now });
    stores.push(store);
    const sql = 'SELECT tag, count(*), sum(value), min(ts), max(ts) FROM samples GROUP BY tag ORDER BY tag';
    for (let part = 0; part < 4; part++) {
      const b = new SampleBatchBuilder();
      for (let i = 0; i < 300; i++) b.push(i % 3, D0 + part * 6 * 3_600_000 + i * 60_000, i / 4, Quality.Good);
      await store.write(b.build());
      expect((await store.compact()).sealedRows).toBe(0);
    }
    const before = await store.query(sql);
    now = D0 + DAY + 11 * 60_000;
    expect(await store.compact()).toMatchObject({ sealedRows: 1200 });
    expect((await store.query(sql)).rows).toEqual(before.rows);
    const order = `SELECT count(*) FILTER (k <> pk) FROM (SELECT k, lag(k) OVER (ORDER BY rowid) AS pk FROM raw_cold)`;
    expect((await store.query(order)).rows).toEqual([[2]]);
    expect((await store.query('SELECT count(*) FROM raw_warm')).rows).toEqual([[0]]);
    const late = new SampleBatchBuilder();
    late.push(1, D0 + 5, 4242, Quality.Good);
    await store.write(late.build());
    expect(await store.compact()).toMatchObject({ rawRows: 1, sealedRows: 1 });
    expect((await store.query(`SELECT count(*) FROM samples WHERE value = 4242`)).rows).toEqual([[1]]);
    expect(store.stats().rowsRaw).toBe(1201);
  });

  it('folds rollups to one row per minute and merges a late sample into a folded minute', async () => {
    const now = D0 + 20 * 60_000;
    const store = await openStore(tempDir(), registry(2), { now: () => now });
    stores.push(store);
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 400; i++) b.push(i % 2, D0 + i * 2000, Math.round(Math.sin(i) * 100) / 10, i % 7 ? Quality.Good : Quality.Uncertain);
    await store.write(b.build());
    await store.flush();
    await store.compact();
    const unique = 'SELECT count(*) - count(DISTINCT (k, bucket)) FROM rollup_cold';
    expect((await store.query(unique)).rows).toEqual([[0]]);
    const late = new SampleBatchBuilder();
    late.push(0, D0 + 61_000, 500, Quality.Good);
    late.push(0, D0 - 1, -500, Quality.Bad);
    late.push(1, D0 + 1, 7, Quality.Good);
    await store.write(late.build());
    await new Promise((r) => setTimeout(r, 100));
    await store.flush();
    const raw = (await store.query(FROM_RAW)).rows;
    expect((await store.query('SELECT count(*) FROM rollup_hot')).rows[0]![0]).toBeGreaterThan(0);
    expect((await store.query(FROM_ROLLUPS)).rows).toEqual(raw);
    await store.compact();
    expect((await store.query('SELECT count(*) FROM rollup_hot')).rows).toEqual([[0]]);
    expect((await store.query(unique)).rows).toEqual([[0]]);
    expect((await store.query(FROM_ROLLUPS)).rows).toEqual(raw);
  });
});
