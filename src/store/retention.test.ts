import fs from 'node:fs';
import path from 'node:path';
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

describe('retention', () => {
  it('moves rows past their class age to Parquet and keeps them queryable through samples', async () => {
    const dir = tempDir();
    const tags = registry(2);
    tags.define(tagDef(9, { retentionClass: 'short' }));
    const retention = { defaultClass: 'standard', classes: { standard: { raw: 30 * DAY }, short: { raw: 2 * DAY } }, checkEvery: 3_600_000 };
    let store = await openStore(dir, tags, { now: () => NOW, retention });
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 24 * 40; i++) for (const t of [0, 1, 2]) b.push(t, NOW - i * 3_600_000, i + t / 10, Quality.Good);
    b.pushText(2, NOW - 5 * DAY, 'old text', Quality.Good);
    await store.write(b.build());
    await store.compact();
    const count = 'SELECT count(*), round(sum(value), 6), count(value_text) FROM samples';
    const before = (await store.query(count)).rows;
    const r = await store.runRetention();
    // Strictly older than the cutoff: standard (2 tags) beyond 30 d; short beyond 2 d, plus its text row.
    expect(r.movedRows).toBe(2 * (40 * 24 - 30 * 24 - 1) + (40 * 24 - 2 * 24 - 1) + 1);
    expect(r.files.length).toBeGreaterThan(10);
    for (const f of r.files) {
      expect(f.startsWith(path.join(dir, 'archive', 'samples', 'date='))).toBe(true);
      expect(fs.existsSync(f)).toBe(true);
    }
    expect((await store.query(count)).rows).toEqual(before);
    expect((await store.query(`SELECT count(*) FROM samples WHERE tag = 'line1.m9.temp' AND ts < TIMESTAMP '2025-06-08 12:00:00'`)).rows).toEqual([[40 * 24 - 2 * 24 - 1 + 1]]);
    expect(store.stats().archivedRows).toBe(r.movedRows);
    // A second run moves nothing and survives a restart.
    expect((await store.runRetention()).movedRows).toBe(0);
    await store.close();
    store = await openStore(dir, tags, { now: () => NOW, retention });
    stores.push(store);
    expect((await store.query(count)).rows).toEqual(before);
  });

  it('removes a file a crash left between write and delete, so nothing is counted twice', async () => {
    const dir = tempDir();
    const tags = registry(1);
    let store = await openStore(dir, tags, { now: () => NOW });
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 100; i++) b.push(0, NOW - 40 * DAY - i * 60_000, i, Quality.Good);
    await store.write(b.build());
    // Simulate the crash window: a 'writing' record and its file, rows still live.
    const stray = path.join(dir, 'archive', 'samples', 'date=2025-05-01', 'part-standard-1-2.parquet');
    fs.mkdirSync(path.dirname(stray), { recursive: true });
    fs.writeFileSync(stray, 'partial');
    await store.close();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(path.join(dir, 'fabrik.duckdb'));
    const c = await db.connect();
    await c.run(`INSERT INTO archive_files VALUES ('${stray}', 'standard', now()::TIMESTAMP, now()::TIMESTAMP, 0, 'writing')`);
    c.closeSync();
    db.closeSync();
    store = await openStore(dir, tags, { now: () => NOW });
    stores.push(store);
    expect(fs.existsSync(stray)).toBe(false);
    expect((await store.query('SELECT count(*) FROM samples')).rows).toEqual([[100]]);
    expect((await store.runRetention()).movedRows).toBe(100);
    expect((await store.query('SELECT count(*) FROM samples')).rows).toEqual([[100]]);
  });
});
