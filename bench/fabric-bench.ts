import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { retentionSchema, storeSchema } from '../src/config/index.js';
import { TagRegistry } from '../src/core/index.js';
import { Fabric, fabricConfigSchema, seedSite } from '../src/fabric/index.js';
import { EdgeStore } from '../src/store/index.js';
import type { Metric } from './metric.js';

const BIN = fileURLToPath(new URL('../../bin/fabrik.js', import.meta.url));
const HOUR = 3_600_000;

/**
 * Fabric benchmark: a federated aggregate over three node processes each
 * holding one line vs the same query on one node holding all three lines;
 * the PostgreSQL-wire round trip of a small query; and a PostgreSQL virtual
 * source read with filter push-down vs pulling the whole table.
 */
export async function benchFabric(opts: { dir: string; perNode: number; onProgress: (m: string) => void }): Promise<Record<string, Metric>> {
  const out: Record<string, Metric> = {};
  const tagsPerLine = 100;
  const samplesPerTag = Math.floor(opts.perNode / tagsPerLine);
  const from = Math.floor(Date.now() / HOUR) * HOUR - samplesPerTag * 1000;
  const spec = { tagsPerLine, from, stepMs: 1000, samplesPerTag };
  const ports = await Promise.all([0, 1, 2, 3, 4].map(freePort));
  const urls = ports.slice(0, 4).map((p) => `http://127.0.0.1:${p}`);
  for (const [i, lines] of [[1], [2], [3], [1, 2, 3]].entries()) {
    const dir = join(opts.dir, `n${i}`);
    await seedSite(dir, { ...spec, lines, onProgress: (n) => opts.onProgress(`fabric: seeding node ${i + 1}/4, ${n.toLocaleString()} samples`) });
    writeFileSync(join(dir, 'site.token'), 'bench-site-token-0123456789\n');
    const peers = i < 3 ? urls.slice(0, 3) : [];
    writeFileSync(join(dir, 'site.yaml'), `site: { id: bench, name: Bench, enterprise: acme }
store: { memoryLimit: 2GB }
api: { queryTimeout: 5m }
fabric: { node: n${i}, siteTokenFile: site.token, peerTimeout: 5m, peers: [${peers.map((u) => `"${u}"`).join(', ')}] }
`);
  }
  const children: ChildProcess[] = [];
  try {
    opts.onProgress('fabric: starting 4 node processes');
    await Promise.all([0, 1, 2, 3].map(async (i) => children.push(await startNode(join(opts.dir, `n${i}`), ports[i]!, i === 0 ? ports[4]! : undefined))));
    const token = (i: number): string => readFileSync(join(opts.dir, `n${i}`, 'secrets', 'admin.token'), 'utf8').trim();
    await waitForPeers(urls[0]!, token(0));
    const sql = "SELECT time_bucket(INTERVAL '1 hour', ts) AS h, tag, avg(value), min(value), max(value), count(*), stddev(value) FROM samples GROUP BY ALL";
    const ask = async (url: string, t: string, scope: string): Promise<void> => {
      const res = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql, scope, maxRows: 1_000_000 }) });
      const body = (await res.json()) as { partial?: boolean; error?: unknown };
      if (!res.ok || body.partial) throw new Error(`bench query failed: ${JSON.stringify(body).slice(0, 300)}`);
    };
    opts.onProgress('fabric: federated vs single-node aggregate');
    const fed = await median(5, () => ask(urls[0]!, token(0), 'site'));
    const one = await median(5, () => ask(urls[3]!, token(3), 'local'));
    const total = 3 * tagsPerLine * samplesPerTag;
    out['fabric.federated_aggregate_3_nodes'] = { value: round(fed), unit: 'ms', target: `< single node (${(total / 3).toLocaleString()} samples per node)` };
    out['fabric.single_node_aggregate'] = { value: round(one), unit: 'ms', target: `${total.toLocaleString()} samples on one node` };
    out['fabric.federated_speedup'] = { value: round(one / fed), unit: 'x', target: '> 1' };

    opts.onProgress('fabric: PostgreSQL-wire round trip');
    const client = new pg.Client({ host: '127.0.0.1', port: ports[4]!, user: 'bench', password: token(0), database: 'bench' });
    await client.connect();
    await client.query('SELECT 1');
    const rtt = await median(301, () => client.query('SELECT 1').then(() => undefined));
    const small = await median(101, () => client.query("SELECT max(bucket) FROM rollups_1m WHERE tag = 'line1.m0.temp'").then(() => undefined));
    await client.end();
    out['fabric.pg_wire_round_trip_select_1'] = { value: round(rtt, 3), unit: 'ms', target: '< 2' };
    out['fabric.pg_wire_small_query'] = { value: round(small, 3), unit: 'ms', target: 'informational' };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  }
  Object.assign(out, await benchPushdown(opts.dir, opts.onProgress));
  return out;
}

async function benchPushdown(dir: string, onProgress: (m: string) => void): Promise<Record<string, Metric>> {
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  try {
    await admin.connect();
  } catch {
    return { 'fabric.pg_source_pushdown': { value: 0, unit: 'skipped', target: 'needs PostgreSQL on 127.0.0.1:5432' } };
  }
  const table = `fabrik_bench_orders_${process.pid}`;
  const rows = 200_000;
  onProgress(`fabric: PostgreSQL source, ${rows.toLocaleString()} rows`);
  await admin.query(`CREATE TABLE ${table} AS SELECT i AS id, 'line' || (i % 3 + 1) AS line, i % 97 AS qty, now() - i * interval '1 minute' AS at FROM generate_series(1, ${rows}) i`);
  await admin.query(`CREATE INDEX ON ${table} (id)`);
  const dataDir = join(dir, 'pushdown');
  mkdirSync(dataDir, { recursive: true });
  const store = await EdgeStore.open({ dataDir, tags: new TagRegistry(), store: storeSchema.parse({}), retention: retentionSchema.parse({}) });
  const config = fabricConfigSchema.parse({ sources: [{ name: 'orders', kind: 'postgres', database: 'test', table }] });
  const fabric = await Fabric.start({ config, siteId: 'bench', dataDir, store, latest: () => [], tokens: { verify: () => null }, queryMaxRows: 100_000, queryTimeoutMs: 60_000 });
  try {
    const sql = 'SELECT line, count(*), avg(qty) FROM orders WHERE id BETWEEN 1000 AND 2000 GROUP BY line';
    const pushed = await median(7, () => fabric.local.query(sql, { maxRows: 1000, timeoutMs: 60_000 }).then(() => undefined));
    const whole = await median(3, () => fabric.local.query(sql, { maxRows: 1000, timeoutMs: 60_000, pushdown: false }).then(() => undefined));
    return {
      'fabric.pg_source_with_pushdown': { value: round(pushed), unit: 'ms', target: `1,001 of ${rows.toLocaleString()} rows read` },
      'fabric.pg_source_whole_table': { value: round(whole), unit: 'ms', target: `all ${rows.toLocaleString()} rows read` },
      'fabric.pg_source_pushdown_speedup': { value: round(whole / pushed), unit: 'x', target: '> 1' },
    };
  } finally {
    await fabric.stop();
    await store.close();
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  }
}

function startNode(dir: string, port: number, pgPort: number | undefined): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'node', '--config', join(dir, 'site.yaml'), '--data-dir', dir, '--http-port', String(port), '--log-level', 'warn', ...(pgPort ? ['--pg-port', String(pgPort)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('dashboard & API')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    child.once('exit', (code) => reject(new Error(`bench node exited with ${code}: ${text}`)));
  });
}

async function waitForPeers(url: string, token: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(`${url}/api/v1/fabric/peers`, { headers: { authorization: `Bearer ${token}` } })).json()) as { peers: { state: string }[] };
    if (body.peers.filter((p) => p.state === 'up').length === 2) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the bench nodes did not find each other');
}

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function round(v: number, digits = 1): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}
