import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import pino from 'pino';
import { startHub } from '../src/hub/index.js';
import { HubClient, Outbox, Uplink, type RollupItem, type SyncBatch } from '../src/sync/index.js';
import type { Metric } from './metric.js';

const MINUTE = 60_000;
const silent = pino({ level: 'silent' });

function rollup(tag: number, bucket: number): RollupItem {
  const v = 20 + Math.sin(tag + bucket / MINUTE) * 5;
  return { tag: `line${tag % 40}.machine${tag % 7}.signal_${tag}`, bucket, assetPath: `acme/plant/area/line${tag % 40}`, unit: '°C', count: 60, min: v - 1, max: v + 1, avg: v, first: v - 0.5, last: v + 0.5, good: 60 };
}

async function postgresAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: 5432 });
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** A hub on a fresh PostgreSQL database when the local server answers (FABRIK_BENCH_PG_URL names another), else on PGlite. */
async function benchHub(dir: string): Promise<{ url: string; kind: string; credentials(n: number): Promise<string[]>; close(): Promise<void> }> {
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  const base = process.env['FABRIK_BENCH_PG_URL'] ?? ((await postgresAnswers()) ? 'postgres://postgres@127.0.0.1:5432/test' : undefined);
  if (base) {
    const name = `fabrik_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  // On PostgreSQL the hub runs as its own process, as it would beside the sites: its CPU is not the uplink's.
  let hubUrl: string;
  let closeHub: () => Promise<void>;
  let adminToken: string;
  if (databaseUrl) {
    adminToken = `fhub_${randomBytes(16).toString('hex')}`;
    const port = await new Promise<number>((r) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => r(p));
      });
    });
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/fabrik.js', import.meta.url)), 'hub', '--http-port', String(port), '--database-url', databaseUrl, '--data-dir', join(dir, 'hub'), '--log-level', 'error'], { env: { ...process.env, FABRIK_HUB_ADMIN_TOKEN: adminToken }, stdio: 'ignore' });
    hubUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${hubUrl}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('the bench hub did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    closeHub = async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    };
  } else {
    const hub = await startHub({ dataDir: join(dir, 'hub'), port: 0, logger: silent });
    hubUrl = hub.url;
    adminToken = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    closeHub = () => hub.close();
  }
  return {
    url: hubUrl,
    kind: databaseUrl ? 'PostgreSQL, hub in its own process' : 'PGlite, hub in this process',
    async credentials(n) {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${hubUrl}/api/v1/enrolments`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: '{}' });
        const { token } = (await res.json()) as { token: string };
        out.push((await new HubClient({ url: hubUrl }).enrol(token, `site${i}`)).credential);
      }
      return out;
    },
    async close() {
      await closeHub();
      await drop?.();
    },
  };
}

/**
 * Sync figures: the drain rate of a full outbox into the hub's database after
 * an outage, the steady-state uplink bytes per tag and hour (summary policy vs
 * raw), and how many sites × tags one hub process takes in.
 */
export async function benchSync(opts: { quick: boolean; onProgress: (m: string) => void }): Promise<Record<string, Metric>> {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-bench-sync-'));
  const out: Record<string, Metric> = {};
  const h = await benchHub(dir);
  try {
    // 1. Drain after an outage: the outbox holds `rows` rollups; one uplink sends them in 5,000-row batches.
    const rows = opts.quick ? 50_000 : 500_000;
    const tags = 1000;
    const [credential, ...siteCredentials] = await h.credentials(opts.quick ? 5 : 21);
    const outbox = await Outbox.open({ dir: join(dir, 'outbox'), maxBytes: 1e10 });
    opts.onProgress(`sync: filling the outbox with ${rows.toLocaleString('en-US')} rollups`);
    for (let i = 0; i < rows; i += tags) {
      const bucket = Date.UTC(2026, 0, 1) + (i / tags) * MINUTE;
      await outbox.append('rollup', Array.from({ length: Math.min(tags, rows - i) }, (_, t) => rollup(t, bucket)));
    }
    const uplink = new Uplink({
      outbox, siteId: 'site0', client: async () => new HubClient({ url: h.url, credential: credential! }),
      contact: async () => ({ siteId: 'site0', backlog: {}, appliedConfig: { version: null, sha256: null }, configError: null, models: [], health: null, drops: {}, reduction: null }),
      onDesiredConfig: async () => undefined,
      batchItems: Number(process.env["FABRIK_BENCH_SYNC_BATCH"] ?? 5000), batchBytes: 64 * 1024 * 1024, bandwidth: 0, retryMinMs: 50, retryMaxMs: 1000, contactEveryMs: 3_600_000, backfillAfterMs: 60_000, logger: silent,
    });
    const t0 = performance.now();
    uplink.start();
    // Polled finely: a coarse poll would round the drain time up to its period.
    for (let i = 0; outbox.doneThrough('rollup') < rows; i++) {
      if (i % 20 === 0) opts.onProgress(`sync: draining ${outbox.doneThrough('rollup').toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} into ${h.kind}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const drainMs = performance.now() - t0;
    const sent = uplink.status().sent;
    await uplink.stop();
    await outbox.close();
    out['sync.drain_rollups_per_s'] = { value: Math.round((rows * 1000) / drainMs), unit: `rows/s (${h.kind})`, target: '>= 50000' };
    out['sync.drain_batches_per_s'] = { value: Math.round((sent.batches * 1000) / drainMs * 10) / 10, unit: 'batches/s (5,000 rows)', target: '-' };
    out['sync.wire_bytes_per_rollup'] = { value: Math.round((sent.wireBytes / rows) * 10) / 10, unit: 'B (gzip)', target: '-' };

    // 2. Steady state per tag and hour, 1 Hz tags: what the summary policy sends vs what raw would.
    const hourTags = 100;
    const raw: SyncBatch['items'] = [];
    const summary: SyncBatch['items'] = [];
    const start = Date.UTC(2026, 0, 1);
    for (let t = 0; t < hourTags; t++) {
      for (let s = 0; s < 3600; s++) raw.push({ seq: raw.length + 1, at: start, data: { tag: `line${t % 40}.machine${t % 7}.signal_${t}`, ts: start + s * 1000, value: Math.round((20 + Math.sin(s / 60 + t) * 5 + Math.random() * 0.1) * 1000) / 1000, quality: 192 } });
      for (let m = 0; m < 60; m++) summary.push({ seq: summary.length + 1, at: start, data: rollup(t, start + m * MINUTE) });
    }
    const wire = (items: SyncBatch['items']): number => {
      let bytes = 0;
      for (let i = 0; i < items.length; i += 5000) bytes += gzipSync(JSON.stringify({ siteId: 'site0', epoch: 'e', stream: 'x', items: items.slice(i, i + 5000) }), { level: 1 }).length;
      return bytes;
    };
    const rawPerTag = wire(raw) / hourTags;
    const summaryPerTag = wire(summary) / hourTags;
    out['sync.uplink_bytes_per_tag_hour_summary'] = { value: Math.round(summaryPerTag), unit: 'B/tag/h (1 Hz tag, gzip)', target: '-' };
    out['sync.uplink_bytes_per_tag_hour_raw'] = { value: Math.round(rawPerTag), unit: 'B/tag/h (1 Hz tag, gzip)', target: '-' };
    out['sync.reduction_ratio'] = { value: Math.round((rawPerTag / summaryPerTag) * 10) / 10, unit: 'x (raw / summary)', target: '-' };

    // 3. Hub ingest capacity: many sites posting a minute of rollups each at once, round after round.
    const sites = siteCredentials.length;
    const siteTags = opts.quick ? 1000 : 2000;
    const rounds = opts.quick ? 3 : 5;
    const clients = siteCredentials.map((c) => new HubClient({ url: h.url, credential: c }));
    const t1 = performance.now();
    for (let r = 0; r < rounds; r++) {
      opts.onProgress(`sync: ${sites} sites × ${siteTags} tags, round ${r + 1}/${rounds}`);
      await Promise.all(clients.map((c, i) => {
        const items = Array.from({ length: siteTags }, (_, t) => ({ seq: r * siteTags + t + 1, at: start, data: rollup(t, start + r * MINUTE) }));
        return c.sendBatch({ siteId: `site${i + 1}`, epoch: 'benchepoch1', stream: 'rollup', firstSeq: r * siteTags + 1, lastSeq: (r + 1) * siteTags, droppedThrough: 0, backfill: false, sentAt: Date.now(), items });
      }));
    }
    const perSecond = (sites * siteTags * rounds * 1000) / (performance.now() - t1);
    out['sync.hub_ingest_rows_per_s'] = { value: Math.round(perSecond), unit: `rows/s (${sites} sites at once, ${h.kind})`, target: '-' };
    // A site sends one rollup per tag per minute: rows/s × 60 is how many site-tags one hub process keeps up with.
    out['sync.hub_capacity_site_tags'] = { value: Math.round(perSecond * 60), unit: 'site×tags at 1 rollup/min', target: '-' };
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
