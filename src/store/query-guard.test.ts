import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder } from '../core/index.js';
import type { EdgeStore } from './edge-store.js';
import { openStore, registry, tempDir } from './store-fixture.js';

let store: EdgeStore;
let dir: string;
beforeAll(async () => {
  dir = tempDir();
  store = await openStore(dir, registry(2));
  const b = new SampleBatchBuilder();
  for (let i = 0; i < 5000; i++) b.push(i % 2, Date.UTC(2025, 0, 1) + i * 1000, i, Quality.Good);
  await store.write(b.build());
});
afterAll(() => store.close());

describe('EdgeStore.query safety', () => {
  it.each([
    "COPY samples TO '/tmp/x.csv'",
    "ATTACH '/tmp/other.duckdb' AS o",
    'INSTALL httpfs',
    'LOAD httpfs',
    'PRAGMA enable_profiling',
    "SET memory_limit = '10GB'",
    'CALL checkpoint()',
    'CREATE TABLE t (x INT)',
    'INSERT INTO raw_hot VALUES (0, now(), 1, 192, 0)',
    'UPDATE raw_cold SET v = 0',
    'DELETE FROM raw_hot',
    'DROP VIEW samples',
    'DETACH fabrik',
    'EXPLAIN ANALYZE DELETE FROM raw_hot',
    '/* hi */ -- there\n DELETE FROM raw_hot',
  ])('refuses %s', async (sql) => {
    await expect(store.query(sql)).rejects.toMatchObject({ name: 'QueryError', code: 'QUERY_NOT_READ_ONLY' });
    expect((await store.query('SELECT count(*) FROM samples')).rows).toEqual([[5000]]);
  });

  it('refuses more than one statement', async () => {
    await expect(store.query('SELECT 1; DELETE FROM raw_hot')).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY' });
    await expect(store.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY' });
  });

  it('cannot read files outside the allowed folders, even from a SELECT', async () => {
    await expect(store.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY', message: expect.stringMatching(/Permission Error/) });
    const outside = path.join(tempDir(), 'x.csv');
    fs.writeFileSync(outside, 'a\n1\n');
    await expect(store.query(`SELECT * FROM read_csv('${outside}')`)).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY' });
    // Beside the database but outside archive/ and files/: refused.
    fs.writeFileSync(path.join(dir, 'site.yaml'), 'secret: 1\n');
    await expect(store.query(`SELECT * FROM read_text('${path.join(dir, 'site.yaml')}')`)).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY' });
    await expect(store.query("SELECT * FROM glob('/etc/*')")).rejects.toMatchObject({ code: 'QUERY_NOT_READ_ONLY' });
  });

  it('can read registered files under <dataDir>/files', async () => {
    fs.writeFileSync(path.join(dir, 'files', 'lots.csv'), 'lot,qty\nA,3\n');
    const r = await store.query(`SELECT lot, qty FROM read_csv('${path.join(dir, 'files', 'lots.csv')}')`);
    expect(r.rows).toEqual([['A', 3]]);
  });

  it('allows SELECT, WITH and EXPLAIN', async () => {
    expect((await store.query('WITH x AS (SELECT 1 AS a) SELECT a FROM x')).rows).toEqual([[1]]);
    expect((await store.query('EXPLAIN SELECT * FROM samples')).rows.length).toBeGreaterThan(0);
    expect((await store.query('EXPLAIN ANALYZE SELECT count(*) FROM samples')).rows.length).toBeGreaterThan(0);
  });

  it('reports bad SQL with DuckDB message', async () => {
    await expect(store.query('SELEC 1')).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    await expect(store.query('SELECT nope FROM samples')).rejects.toMatchObject({ code: 'QUERY_INVALID', message: expect.stringMatching(/Binder Error.*nope/s) });
    await expect(store.query('SELECT * FROM')).rejects.toMatchObject({ code: 'QUERY_INVALID', message: expect.stringMatching(/Parser Error/) });
  });

  it('interrupts a slow query at the timeout', async () => {
    const t = performance.now();
    await expect(store.query('SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = -1', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect(performance.now() - t).toBeLessThan(5000);
    expect((await store.query('SELECT 1')).rows).toEqual([[1]]);
  });

  it('caps rows and marks the result truncated', async () => {
    const r = await store.query('SELECT * FROM samples', { maxRows: 3000 });
    expect(r.rows.length).toBe(3000);
    expect(r.truncated).toBe(true);
    const all = await store.query('SELECT * FROM samples LIMIT 10', { maxRows: 10 });
    expect(all.truncated).toBe(false);
  });

  it('returns JSON-safe values', async () => {
    const r = await store.query(`SELECT 9007199254740993::BIGINT AS big, 42::HUGEINT AS h, 1.25::DECIMAL(5,2) AS d, [1, 2] AS l,
      {'a': TIMESTAMP '2025-01-01 00:00:00'} AS s, 'nan'::DOUBLE AS n, DATE '2025-02-03' AS dt`);
    expect(r.rows).toEqual([['9007199254740993', 42, 1.25, [1, 2], { a: '2025-01-01T00:00:00.000Z' }, null, '2025-02-03T00:00:00.000Z']]);
    expect(JSON.parse(JSON.stringify(r.rows))).toEqual(r.rows);
  });
});
