import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionSchema, storeSchema } from '../src/config/index.js';
import { TagRegistry } from '../src/core/index.js';
import { seedSite, seedTag } from '../src/fabric/index.js';
import { EdgeStore } from '../src/store/index.js';
import { startCli, type NodeProcess } from './cli-process.js';
import { peerEnabled } from './peers.js';

// A three-node site in three processes, each owning one line; a fourth store
// holds the union and is the reference every site answer must equal.
const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'fabrik-site-'));
const SITE_TOKEN = 'site-token-0123456789abcdef';
const MINUTE = 60_000;
const from = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 60 * MINUTE;
const spec = { tagsPerLine: 3, from, stepMs: 5000, samplesPerTag: 1440 };
const hasPostgres = await peerEnabled('postgres');
const pgTable = `fabrik_orders_${process.pid}`;
const nodes: NodeProcess[] = [];
const urls: string[] = [];
let pgPort = 0;
let token = '';
const tokens: string[] = [];
let union: EdgeStore;
let liar: Server;

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function query(url: string, body: Record<string, unknown>): Promise<{ status: number; json: any; headers: Headers }> {
  const own = tokens[urls.indexOf(url)] ?? token;
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { authorization: `Bearer ${own}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

async function reference(sql: string): Promise<unknown[][]> {
  return (await union.query(sql)).rows;
}

function expectSameRows(actual: unknown[][], expected: unknown[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => {
    const e = expected[i]![j];
    if (typeof v === 'number' && typeof e === 'number') expect(Math.abs(v - e), `row ${i} col ${j}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
    else expect(v, `row ${i} col ${j}`).toEqual(e);
  }));
}

beforeAll(async () => {
  const ports = await Promise.all([1, 2, 3].map(freePort));
  pgPort = await freePort();
  const liarPort = await freePort();
  for (let i = 0; i < 3; i++) urls.push(`http://127.0.0.1:${ports[i]}`);
  await Promise.all([1, 2, 3].map((line) => seedSite(join(root, `n${line}`), { ...spec, lines: [line] })));
  await seedSite(join(root, 'union'), { ...spec, lines: [1, 2, 3] });

  // The node of line 1 also registers a Parquet folder and PostgreSQL tables.
  const vision = join(root, 'n1', 'files', 'vision');
  mkdirSync(vision, { recursive: true });
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  await conn.run(`COPY (SELECT 'line1.m' || (i % 3) || '.temp' AS tag, 'part-' || i AS part, CASE WHEN i % 4 = 0 THEN 'scratch' ELSE 'ok' END AS verdict FROM range(12) r(i)) TO '${join(vision, 'inspections.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  duck.closeSync();
  if (hasPostgres) {
    const c = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await c.connect();
    await c.query(`DROP TABLE IF EXISTS ${pgTable}`);
    await c.query(`CREATE TABLE ${pgTable} (tag text, order_no text, qty int, due timestamptz)`);
    await c.query(`INSERT INTO ${pgTable} SELECT 'line1.m' || (i % 3) || '.temp', 'PO-' || i, i, now() + i * interval '1 day' FROM generate_series(1, 30) i`);
    await c.end();
  }
  liar = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/fabric/v1/catalogue') {
      res.end(JSON.stringify({ node: 'liar', instance: 'liar-1', siteId: 'plant', version: 'x', builtAt: new Date().toISOString(), tags: [{ tag: 'line9.m0.temp', from: null, to: null, samples: 1 }], events: { count: 0, from: null, to: null }, sources: [], pgPort: null }));
    } else res.end(JSON.stringify({ node: 'liar', columns: [{ name: 'g0', type: 'VARCHAR' }], rows: [[1, 2, 3]], truncated: false, elapsedMs: 1 }));
  });
  await new Promise<void>((r) => liar.listen(liarPort, '127.0.0.1', r));

  for (const line of [1, 2, 3]) {
    const dir = join(root, `n${line}`);
    writeFileSync(join(dir, 'site.token'), `${SITE_TOKEN}\n`, { mode: 0o600 });
    const peers = [...urls, ...(line === 3 ? [`http://127.0.0.1:${liarPort}`] : [])];
    const sources = line === 1
      ? `  sources:
    - { name: vision, kind: files, folder: vision, format: parquet }
    - { name: orders, kind: postgres, host: 127.0.0.1, port: 5432, database: test, user: postgres, table: ${pgTable} }
    - { name: down_source, kind: postgres, host: 127.0.0.1, port: 1, database: test, table: nothing, connectTimeout: 1s }\n`
      : '';
    writeFileSync(join(dir, 'site.yaml'), `site: { id: plant, name: Plant, enterprise: acme }
api: { queryMaxRows: 5000 }
fabric:
  node: line${line}
  siteTokenFile: site.token
  peerTimeout: 5s
  peers: [${peers.map((u) => `"${u}"`).join(', ')}]
${sources}`);
  }
  const started = await Promise.all([1, 2, 3].map((line) =>
    startCli(['node', '--config', join(root, `n${line}`, 'site.yaml'), '--data-dir', join(root, `n${line}`), '--http-port', String(ports[line - 1]), ...(line === 1 ? ['--pg-port', String(pgPort)] : []), '--log-level', 'warn'], { timeoutMs: 60_000 })));
  nodes.push(...started);
  for (const line of [1, 2, 3]) tokens.push(readFileSync(join(root, `n${line}`, 'secrets', 'admin.token'), 'utf8').trim());
  token = tokens[0]!;
  union = await EdgeStore.open({ dataDir: join(root, 'union'), tags: new TagRegistry(), store: storeSchema.parse({}), retention: retentionSchema.parse({ checkEvery: '24h' }) });
  // Wait until line1 has identified both peers.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${urls[0]}/api/v1/fabric/peers`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { peers: { state: string }[] };
    if (body.peers.filter((p) => p.state === 'up').length === 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  for (const n of nodes) n.child.kill('SIGTERM');
  await Promise.all(nodes.map((n) => n.exited));
  await union?.close();
  liar?.close();
  if (hasPostgres) {
    const c = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await c.connect();
    await c.query(`DROP TABLE IF EXISTS ${pgTable}`);
    await c.end();
  }
  rmSync(root, { recursive: true, force: true });
}, 60_000);

const BY_BUCKET_AND_TAG = `SELECT time_bucket(INTERVAL '10 minutes', ts) AS bucket, tag, avg(value) AS avg, min(value) AS min, max(value) AS max,
  count(*) AS n, sum(value) AS total, stddev(value) AS sd FROM samples GROUP BY ALL ORDER BY bucket, tag`;
const BY_BUCKET = `SELECT time_bucket(INTERVAL '15 minutes', ts) AS bucket, avg(value), min(value), max(value), count(*), sum(value), stddev(value), var_pop(value)
  FROM samples GROUP BY 1 ORDER BY 1`;

describe('a three-node site', () => {
  it('answers network aggregates exactly as one node holding the union', async () => {
    for (const sql of [BY_BUCKET_AND_TAG, BY_BUCKET, 'SELECT count(*), avg(value), stddev_samp(value), min(ts), max(ts) FROM samples']) {
      const { status, json } = await query(urls[0]!, { sql, scope: 'site' });
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.partial, JSON.stringify(json.missing)).toBe(false);
      expect(json.nodes.filter((n: { state: string }) => n.state === 'answered').map((n: { node: string }) => n.node).sort()).toEqual(['line1', 'line2', 'line3']);
      expectSameRows(json.rows, await reference(sql));
    }
    const local = await query(urls[0]!, { sql: 'SELECT count(DISTINCT tag) FROM samples' });
    expect(local.json.rows[0][0]).toBe(3);
  });

  it('merges raw rows with ORDER BY and LIMIT, and skips nodes that hold none of the tags', async () => {
    const sql = 'SELECT ts, tag, value FROM samples ORDER BY value DESC, ts, tag LIMIT 5 OFFSET 2';
    const { json } = await query(urls[1]!, { sql, scope: 'site' });
    expect(json.rows, JSON.stringify(json)).toBeDefined();
    expectSameRows(json.rows, await reference(sql));
    const one = await query(urls[0]!, { sql: `SELECT avg(value) FROM samples WHERE tag = '${seedTag(2, 1)}'`, scope: 'site' });
    expect(one.json.nodes.find((n: { node: string }) => n.node === 'line3').state).toBe('skipped');
    expectSameRows(one.json.rows, await reference(`SELECT avg(value) FROM samples WHERE tag = '${seedTag(2, 1)}'`));
  });

  it('refuses what it cannot merge exactly, over HTTP', async () => {
    const { status, json } = await query(urls[0]!, { sql: 'SELECT median(value) FROM samples', scope: 'site' });
    expect(status).toBe(400);
    expect(json.error.code).toBe('FABRIC_NOT_DECOMPOSABLE');
    expect(json.error.message).toMatch(/median/);
  });

  it('psql runs queries against the PostgreSQL endpoint', async () => {
    const env = { ...process.env, PGPASSWORD: token };
    const conn = `host=127.0.0.1 port=${pgPort} user=grafana dbname=site`;
    const count = await run('psql', [conn, '-At', '-c', 'select count(*) from samples'], { env });
    expect(Number(count.stdout.trim())).toBe(3 * spec.tagsPerLine * spec.samplesPerTag);
    const multi = await run('psql', [conn, '-At', '-F', ',', '-c', "select tag, count(*) from samples where tag like 'line2.%' group by tag order by tag", '-c', 'show server_version'], { env });
    expect(multi.stdout.trim().split('\n')).toEqual([`${seedTag(2, 0)},1440`, `${seedTag(2, 1)},1440`, `${seedTag(2, 2)},1440`, '15.0']);
    const denied = await run('psql', [conn, '-At', '-c', 'delete from samples'], { env }).catch((e: { stderr: string; code: number }) => e);
    expect((denied as { code: number }).code).not.toBe(0);
    expect((denied as { stderr: string }).stderr).toMatch(/read-only/);
    const badPassword = await run('psql', [conn, '-At', '-c', 'select 1'], { env: { ...process.env, PGPASSWORD: 'wrong' } }).catch((e: { stderr: string }) => e);
    expect((badPassword as { stderr: string }).stderr).toMatch(/password authentication failed/);
  });

  it('a Node pg client runs Grafana-style time-series queries (text and binary)', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'grafana', password: token, database: 'plant' });
    await client.connect();
    try {
      const t0 = new Date(from + 30 * MINUTE).toISOString().replace('.000Z', 'Z');
      const t1 = new Date(from + 60 * MINUTE).toISOString().replace('.000Z', 'Z');
      const tag = seedTag(1, 0);
      // What $__timeGroupAlias(ts, 1m) and $__timeFilter(ts) expand to in Grafana's PostgreSQL data source.
      const grafana = `SELECT floor(extract(epoch from ts)/60)*60 AS "time", avg(value) AS "${tag}" FROM samples WHERE ts BETWEEN '${t0}' AND '${t1}' AND tag = '${tag}' GROUP BY 1 ORDER BY 1`;
      const r = await client.query(grafana);
      expect(r.fields.map((f) => f.name)).toEqual(['time', tag]);
      expect(r.rows).toHaveLength(31);
      const ref = await reference(grafana);
      expect(r.rows.map((x) => [Number(x.time), Number(x[tag])])).toEqual(ref.map((x) => [Number(x[0]), x[1]]));
      const bucket = await client.query(`SELECT time_bucket('5m', ts) AS "time", max(value) FROM samples WHERE tag = $1 AND ts >= $2 GROUP BY 1 ORDER BY 1 LIMIT 3`, [tag, new Date(from)]);
      expect(bucket.rows).toHaveLength(3);
      expect(bucket.rows[0].time).toBeInstanceOf(Date);
      expect((bucket.rows[0].time as Date).getTime()).toBe(Math.floor(from / (5 * MINUTE)) * 5 * MINUTE);
      const binary = await client.query<Record<string, unknown>>({ text: 'SELECT ts, value, count(*) OVER () AS n, tag FROM samples WHERE tag = $1 ORDER BY ts LIMIT 2', values: [tag], binary: true } as pg.QueryConfig);
      expect(binary.rows).toHaveLength(2);
      const trunc = await client.query("SELECT date_trunc('hour', ts) AS \"time\", count(*) FROM samples GROUP BY 1 ORDER BY 1");
      expect(trunc.rows.reduce((n, x) => n + Number(x.count_star ?? x['count_star()']), 0)).toBe(spec.tagsPerLine * spec.samplesPerTag);
      await expect(client.query('CREATE TABLE x (a int)')).rejects.toThrow(/read-only/);
      await expect(client.query('SET enable_external_access = true')).rejects.toThrow(/not allowed/);
      await expect(client.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/Permission|not allowed|disabled/i);
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('answers EdgeLake REST calls with EdgeLake\'s JSON shape', async () => {
    const ask = async (command: string, network: boolean) => {
      const res = await fetch(`${urls[0]}/`, { headers: { authorization: `Bearer ${token}`, command, 'User-Agent': 'AnyLog/1.23', ...(network ? { destination: 'network' } : {}) } });
      return { status: res.status, json: (await res.json()) as any };
    };
    const total = await ask('sql plant format=json "select count(*) from samples"', true);
    expect(total.status).toBe(200);
    expect(total.json).toEqual({ Query: [{ 'count(*)': 3 * spec.tagsPerLine * spec.samplesPerTag }], Statistics: [expect.objectContaining({ Count: 1, Nodes: 3 })] });
    const inc = await ask(`sql plant format=json and stat=false "select increments(minute, 10, timestamp), min(timestamp), max(value), avg(value) from ${seedTag(2, 0).replaceAll('.', '_')} where timestamp >= now() - 3 hours"`, true);
    expect(inc.status, JSON.stringify(inc.json)).toBe(200);
    expect(Object.keys(inc.json)).toEqual(['Query']);
    const buckets = await reference(`SELECT count(DISTINCT time_bucket(INTERVAL '10 minutes', ts)) FROM samples WHERE tag = '${seedTag(2, 0)}'`);
    expect(inc.json.Query).toHaveLength(Number(buckets[0]![0]));
    expect(inc.json.Query[0]['min(timestamp)']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const period = await ask(`sql plant format=json "select max(timestamp), count(value) from ${seedTag(3, 1)} where period(minute, 5, now(), timestamp)"`, true);
    expect(period.json.Query[0]['count(value)']).toBe(60);
    const refused = await ask('sql plant format=json "drop table samples"', false);
    expect(refused.status).toBe(400);
  });

  it('keeps every endpoint read-only', async () => {
    for (const sql of ['DROP VIEW samples', "COPY samples TO '/tmp/x.csv'", "SELECT * FROM read_csv('/etc/passwd')", 'INSTALL postgres', 'SET enable_external_access = true', "ATTACH '/tmp/x.db'", 'SELECT 1; DROP VIEW samples']) {
      for (const scope of ['local', 'site']) {
        const { status, json } = await query(urls[0]!, { sql, scope });
        expect(status, `${scope}: ${sql}`).toBe(400);
        expect(json.error.code).toMatch(/QUERY_|FABRIC_NOT_DECOMPOSABLE/);
      }
    }
    const partial = await fetch(`${urls[1]}/fabric/v1/partial`, { method: 'POST', headers: { authorization: `Bearer ${SITE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'DELETE FROM raw_hot', maxRows: 10, timeoutMs: 1000 }) });
    expect(partial.status).toBe(400);
    const noToken = await fetch(`${urls[1]}/fabric/v1/catalogue`);
    expect(noToken.status).toBe(401);
    expect((await query(urls[0]!, { sql: 'SELECT count(*) FROM samples' })).status).toBe(200);
  });

  it('caps huge results', async () => {
    const { json } = await query(urls[0]!, { sql: 'SELECT ts, tag, value FROM samples ORDER BY ts', scope: 'site' });
    expect(json.rows).toHaveLength(5000);
    expect(json.truncated).toBe(true);
    const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'x', password: token, database: 'plant' });
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.connect();
    const r = await client.query('SELECT * FROM range(100000)');
    await client.end();
    expect(r.rows).toHaveLength(5000);
    expect(notices.join()).toMatch(/truncated/);
  });

  it.runIf(hasPostgres)('joins a Parquet folder and a PostgreSQL table with samples, pushing filters down', async () => {
    const sql = `SELECT s.tag, o.order_no, v.verdict, count(*) AS n FROM samples s
      JOIN vision v ON v.tag = s.tag JOIN orders o ON o.tag = s.tag
      WHERE o.qty >= 28 AND v.verdict = 'scratch' GROUP BY ALL ORDER BY ALL`;
    const { status, json } = await query(urls[0]!, { sql });
    expect(status, JSON.stringify(json)).toBe(200);
    // qty 28..30 → tags m1, m2, m0; scratch parts are i % 4 = 0 → i in {0,4,8} → m0, m1, m2 (one each).
    expect(json.rows).toEqual([
      [seedTag(1, 0), 'PO-30', 'scratch', 1440], [seedTag(1, 1), 'PO-28', 'scratch', 1440], [seedTag(1, 2), 'PO-29', 'scratch', 1440],
    ]);
    const sources = await (await fetch(`${urls[0]}/api/v1/fabric/sources`, { headers: { authorization: `Bearer ${token}` } })).json() as { sources: { name: string; lastPull?: { rows: number; pushedFilters: number; columns: number } }[] };
    const orders = sources.sources.find((s) => s.name === 'orders')!;
    expect(orders.lastPull, JSON.stringify(orders.lastPull)).toMatchObject({ rows: 3, pushedFilters: 1, columns: 3 });
  });

  it('names a virtual source that is down, and keeps serving', async () => {
    const { status, json } = await query(urls[0]!, { sql: 'SELECT * FROM down_source' });
    expect(status).toBe(503);
    expect(json.error.code).toBe('FABRIC_SOURCE_UNAVAILABLE');
    expect(json.error.message).toMatch(/down_source.*127\.0\.0\.1:1.*not reachable/);
    expect((await query(urls[0]!, { sql: 'SELECT count(*) FROM vision' })).json.rows).toEqual([[12]]);
  });

  it('marks a malformed partial answer as missing instead of merging it', async () => {
    const { json } = await query(urls[2]!, { sql: BY_BUCKET, scope: 'site' });
    expect(json.partial, JSON.stringify(json)).toBe(true);
    expect(json.missing).toEqual([expect.objectContaining({ node: 'liar', reason: expect.stringMatching(/malformed/) })]);
    expectSameRows(json.rows, await reference(BY_BUCKET));
  });

  it('names a killed node and marks the answer partial, never silently wrong', async () => {
    const victim = nodes[2]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const { status, json, headers } = await query(urls[0]!, { sql: BY_BUCKET_AND_TAG, scope: 'site' });
    expect(status).toBe(200);
    expect(json.partial).toBe(true);
    expect(json.missing.map((m: { node: string }) => m.node)).toEqual(['line3']);
    expect(headers.get('x-fabrik-partial')).toMatch(/line3/);
    expectSameRows(json.rows, await reference(BY_BUCKET_AND_TAG.replace('FROM samples', "FROM samples WHERE tag NOT LIKE 'line3.%'")));
    const strict = await query(urls[0]!, { sql: BY_BUCKET_AND_TAG, scope: 'site', allowPartial: false });
    expect(strict.status).toBe(503);
    expect(strict.json.error.message).toMatch(/line3/);
  });
});
