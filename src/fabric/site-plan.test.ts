import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonValue } from '../store/index.js';
import { MergeEngine } from './merge-engine.js';
import { planSiteQuery } from './site-plan.js';
import { SqlAst } from './sql-ast.js';

// Three "nodes" each hold one line's rows; the union holds all. Every planned
// query, run as partials on the nodes and merged, must equal the union's answer.
let ast: SqlAst;
let merge: MergeEngine;
const nodes: DuckDBConnection[] = [];
let union: DuckDBConnection;
const instances: DuckDBInstance[] = [];

const SEED = `CREATE TABLE samples AS
  SELECT TIMESTAMP '2024-03-01 00:00:00' + to_milliseconds(i * 1500) AS ts,
    'line' || (i % 3 + 1) || '.t' || (i % 7) AS tag,
    CASE WHEN i % 97 = 0 THEN NULL ELSE 1000 + sin(i / 10.0) * 5 + (i % 13) * 0.01 END AS value,
    CASE WHEN i % 11 = 0 THEN 'bad' ELSE 'good' END AS quality
  FROM range(6000) r(i)`;

async function rows(conn: DuckDBConnection, sql: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
  const r = await conn.runAndReadAll(sql);
  const types = r.columnTypes();
  return { columns: r.columnNames().map((name, i) => ({ name, type: String(types[i]) })), rows: r.convertRows(JSDuckDBValueConverter).map((row) => row.map(toJsonValue)) };
}

async function site(sql: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
  const plan = await planSiteQuery(ast, sql);
  const parts = await Promise.all(nodes.map((n) => rows(n, plan.partialSql)));
  const described = await rows(union, `SELECT * FROM (${sql}) LIMIT 0`);
  const r = await merge.run(parts[0]!.columns, parts.map((p, i) => ({ node: `n${i}`, rows: p.rows })), plan.mergeSql(described.columns), { maxRows: 100_000 });
  return { columns: r.columns, rows: r.rows };
}

function expectClose(actual: unknown[][], expected: unknown[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => {
    const e = expected[i]![j];
    if (typeof v === 'number' && typeof e === 'number') expect(Math.abs(v - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
    else expect(v).toEqual(e);
  }));
}

beforeAll(async () => {
  ast = await SqlAst.create();
  merge = await MergeEngine.create();
  for (let n = 1; n <= 4; n++) {
    const i = await DuckDBInstance.create(':memory:');
    instances.push(i);
    const c = await i.connect();
    await c.run(SEED);
    if (n <= 3) {
      await c.run(`DELETE FROM samples WHERE tag NOT LIKE 'line${n}.%'`);
      nodes.push(c);
    } else union = c;
  }
});
afterAll(() => {
  for (const c of [...nodes, union]) c.closeSync();
  for (const i of instances) i.closeSync();
  ast.close();
  merge.close();
});

describe('site query plans', () => {
  const exact = [
    `SELECT time_bucket(INTERVAL '5 minutes', ts) AS bucket, tag, avg(value), min(value), max(value), count(*), count(value), sum(value), stddev(value), var_pop(value)
       FROM samples GROUP BY ALL ORDER BY bucket, tag`,
    `SELECT tag, stddev_samp(value) AS s, variance(value) FILTER (WHERE quality = 'good') AS v FROM samples GROUP BY tag HAVING count(*) > 10 ORDER BY s DESC`,
    `SELECT count(*), avg(value) * 2 + 1 AS x, max(value) - min(value) AS spread FROM samples`,
    `SELECT date_trunc('hour', ts) AS h, first(value ORDER BY ts) AS open, last(value ORDER BY ts) AS close, arg_max(tag, value) AS top FROM samples GROUP BY 1 ORDER BY 1`,
    `SELECT quality, count(*) FROM samples WHERE ts < TIMESTAMP '2024-03-01 01:00:00' GROUP BY quality ORDER BY count(*) DESC`,
    `SELECT ts, tag, value FROM samples ORDER BY value DESC NULLS LAST, ts LIMIT 7 OFFSET 3`,
    `SELECT * FROM samples WHERE tag = 'line2.t3' ORDER BY ts DESC LIMIT 5`,
    `SELECT DISTINCT quality FROM samples ORDER BY quality`,
    `SELECT floor(extract(epoch FROM ts) / 600) * 600 AS "time", avg(value) AS "line1" FROM samples GROUP BY 1 ORDER BY 1`,
    `SELECT count(*) FROM samples WHERE tag = 'nope'`,
    `SELECT tag, avg(value) FROM samples WHERE tag = 'nope' GROUP BY tag`,
  ];
  for (const sql of exact) {
    it(`merges exactly: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`, async () => {
      const want = await rows(union, sql);
      const got = await site(sql);
      expect(got.columns).toEqual(want.columns);
      expectClose(got.rows, want.rows);
    });
  }

  it('keeps the variance exact where sum-of-squares would cancel', async () => {
    const want = await rows(union, 'SELECT stddev_pop(value * 1e6) FROM samples');
    const got = await site('SELECT stddev_pop(value * 1e6) FROM samples');
    expect(Math.abs((got.rows[0]![0] as number) / (want.rows[0]![0] as number) - 1)).toBeLessThan(1e-9);
  });

  const refused: [string, RegExp][] = [
    ['SELECT median(value) FROM samples', /median/],
    ['SELECT count(DISTINCT tag) FROM samples', /DISTINCT/],
    ['SELECT first(value) FROM samples', /ORDER BY/],
    ['SELECT * FROM samples s JOIN tags t ON s.tag = t.id', /exactly one/],
    ['SELECT value FROM samples WHERE value > (SELECT avg(value) FROM samples)', /subqueries/],
    ['SELECT avg(value) OVER () FROM samples', /window/],
    ['WITH x AS (SELECT 1) SELECT * FROM x', /WITH/],
    ['SELECT 1 UNION ALL SELECT 2', /UNION/],
    ['SELECT tag, value FROM samples GROUP BY tag', /neither grouped nor aggregated/],
    ['SELECT tag, count(*) FROM samples GROUP BY ROLLUP (tag)', /ROLLUP/],
  ];
  for (const [sql, why] of refused) {
    it(`refuses rather than answering wrongly: ${sql}`, async () => {
      await expect(planSiteQuery(ast, sql)).rejects.toMatchObject({ code: 'FABRIC_NOT_DECOMPOSABLE', message: expect.stringMatching(why) });
    });
  }
});
