import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig, parseSiteConfig } from '../src/config/index.js';
import { SampleBatchBuilder } from '../src/core/index.js';
import { startHub, type Hub } from '../src/hub/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { HubClient, type SyncBatch } from '../src/sync/index.js';
import { DEMO_CONFIG, eventually, startTestNode, type RunningNode } from './edge-node-fixture.js';
import { freshPostgresDatabase } from './hub-database.js';
import { peerEnabled } from './peers.js';

// FABRIK_HUB_TEST_PGLITE=1 runs the same test against the embedded hub database.
const usePostgres = !process.env['FABRIK_HUB_TEST_PGLITE'] && (await peerEnabled('postgres'));
const MINUTE = 60_000;
const TAG = 'line1.filler.product_temp';

/**
 * A real edge node syncing to a real hub over a socket: the hub goes away for
 * a while (the node keeps ingesting, the backlog grows), comes back on the
 * same address, and the backlog drains in order, every item exactly once.
 */
describe(`edge node → hub (${usePostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-hub-sync-'));
  const hubDir = join(dir, 'hub');
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  let hub: Hub | undefined;
  let port = 0;
  let admin: string;
  let n: RunningNode;

  const openHub = async (): Promise<Hub> => {
    const h = await startHub({ dataDir: hubDir, port, logger: pino({ level: 'silent' }), ...(databaseUrl ? { databaseUrl } : {}) });
    port = h.port;
    return h;
  };
  const sql = async (q: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => (await hub!.db.query(q, params)).rows;
  const status = async (): Promise<Record<string, any>> => (await n.api('/api/v1/sync/status')).json() as Promise<Record<string, any>>;
  const fault = async (): Promise<void> => {
    const res = await n.api('/api/v1/sim/faults', { json: { signal: TAG, type: 'step', magnitude: 0.5 } });
    expect(res.status).toBe(201);
  };
  /** Writes samples straight into the store for past, closed minutes, so their rollups can be synced without waiting. */
  const writePast = async (node: EdgeNode, fromMinutesAgo: number, minutes: number): Promise<void> => {
    const b = new SampleBatchBuilder();
    const tag = node.tags.index('line1.capper.torque') ?? node.tags.index(TAG)!;
    const start = Math.floor(Date.now() / MINUTE) * MINUTE - fromMinutesAgo * MINUTE;
    for (let m = 0; m < minutes; m++) for (let s = 0; s < 6; s++) b.push(tag, start + m * MINUTE + s * 10_000, 20 + m + s / 10, 192);
    await node.store.write(b.build());
  };

  beforeAll(async () => {
    if (usePostgres) {
      const db = await freshPostgresDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    hub = await openHub();
    admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const res = await fetch(`${hub.url}/api/v1/enrolments`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ siteId: 'demo' }) });
    const { token } = (await res.json()) as { token: string };
    writeFileSync(join(dir, 'enrol.token'), token);
    const demo = loadSiteConfig(DEMO_CONFIG);
    const config = parseSiteConfig({
      ...structuredClone(demo),
      sync: {
        hub: hub.url,
        credentialsFile: join(dir, 'hub-credential.json'),
        enrolmentTokenFile: join(dir, 'enrol.token'),
        collectEvery: '300ms',
        rollupDelay: '0ms',
        healthEvery: '1s',
        initialBackfill: '3h',
        send: { raw: [TAG] },
        uplink: { retryMin: '100ms', retryMax: '800ms', contactEvery: '1s', backfillAfter: '3s', batchItems: 50 },
      },
    });
    // History from before the site synced: the first start writes it, the second (with sync) sends it.
    const first = await startTestNode({ config: demo });
    await writePast(first.node, 150, 40);
    await first.node.stop();
    const node = await startEdgeNode({ config, dataDir: first.dataDir, port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), seed: 7, tickMs: 200 });
    n = {
      node,
      dataDir: first.dataDir,
      token: node.adminToken.token,
      api: (path, init = {}) => {
        const { json, token: _t, ...rest } = init;
        const headers = new Headers(rest.headers);
        headers.set('authorization', `Bearer ${node.adminToken.token}`);
        if (json !== undefined) headers.set('content-type', 'application/json');
        return fetch(`${node.url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}) });
      },
      close: async () => {
        await node.stop();
        rmSync(first.dataDir, { recursive: true, force: true });
      },
    };
  }, 90_000);

  afterAll(async () => {
    await n?.close();
    await hub?.close();
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols itself, syncs rollups, events and health, survives a hub outage and delivers everything exactly once, in order', async () => {
    await fault();
    await fault();
    // The node enrolled with the one-time token and writes its credential; the hub knows it.
    await eventually(async () => (await sql("SELECT 1 FROM sites WHERE site_id = 'demo' AND last_contact IS NOT NULL")).length === 1, 30_000);
    await eventually(async () => (await sql("SELECT 1 FROM site_events WHERE kind = 'sim.fault'")).length === 2, 30_000);
    await eventually(async () => (await sql("SELECT 1 FROM site_rollups WHERE tag = 'line1.capper.torque' OR tag = $1", [TAG])).length >= 40, 30_000);
    expect((await status()).state).toBe('connected');

    // Outage: the hub goes away; the node keeps ingesting and its backlog grows.
    await hub!.close();
    hub = undefined;
    const storedBefore = n.node.store.stats().samplesWritten;
    for (let i = 0; i < 5; i++) await fault();
    await eventually(async () => {
      const s = await status();
      return s.state === 'backing-off' && s.backlog.items >= 5 && s.backlog.oldestTs !== undefined;
    }, 30_000);
    await eventually(async () => n.node.store.stats().samplesWritten > storedBefore + 50, 30_000);
    // Long enough for the waiting items to count as backfill.
    await new Promise((r) => setTimeout(r, 3500));
    expect((await status()).drops).toEqual({});

    // The hub is back on the same address: the backlog drains.
    hub = await openHub();
    await eventually(async () => {
      const s = await status();
      return s.state === 'connected' && s.streams.event.items === 0 && s.streams.event.ackedThrough >= 7;
    }, 60_000);

    // Exactly once: the hub's events are the node's events, and each sequence is there once, without gaps.
    const nodeEvents = (await n.node.store.events({ kind: 'sim.fault', limit: 1000 })).map((e) => e.id).sort();
    const hubEvents = await sql("SELECT event_id, seq, backfill FROM site_events WHERE kind = 'sim.fault' ORDER BY seq");
    expect(hubEvents.map((r) => r['event_id']).sort()).toEqual(nodeEvents);
    expect(nodeEvents.length).toBe(7);
    expect(hubEvents.filter((r) => r['backfill']).length).toBeGreaterThanOrEqual(5);
    for (const stream of ['site_events', 'site_rollups', 'site_health']) {
      const [row] = await sql(`SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, min(seq)::int AS lo, max(seq)::int AS hi FROM ${stream} WHERE site_id = 'demo'`);
      expect(row!['n'], stream).toBe(row!['d']);
      expect(row!['lo'], stream).toBe(1);
      expect(row!['hi'], stream).toBe(row!['n']);
    }
    // Rollups: every closed minute the node has for the tag, once.
    const through = (n.node.sync!.outbox.mark('rollup') as { through: number }).through;
    const local = await n.node.store.query(`SELECT count(*) FROM rollups_1m WHERE bucket < epoch_ms(${through}) AND count > 0`);
    await eventually(async () => n.node.sync!.outbox.stats().streams.rollup.items === 0, 30_000);
    const [hubRollups] = await sql("SELECT count(*)::int AS n, count(DISTINCT (tag, bucket))::int AS d FROM site_rollups WHERE site_id = 'demo' AND bucket < to_timestamp($1 / 1000.0)", [through]);
    expect(hubRollups!['n']).toBe(hubRollups!['d']);
    expect(hubRollups!['n']).toBe(Number(local.rows[0]![0]));

    // Raw samples leave the site only for the released tag, each once.
    await eventually(async () => n.node.sync!.outbox.stats().streams.raw.items === 0, 30_000);
    const [raw] = await sql("SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, count(DISTINCT tag)::int AS tags, min(tag) AS tag FROM site_raw WHERE site_id = 'demo'");
    expect(raw!['n']).toBeGreaterThan(0);
    expect(raw!['n']).toBe(raw!['d']);
    expect(raw!).toMatchObject({ tags: 1, tag: TAG });

    // The registry shows the site: contact, applied config, backlog; the status shows the reduction.
    const sites = (await (await fetch(`${hub.url}/api/v1/sites/demo`, { headers: { authorization: `Bearer ${admin}` } })).json()) as Record<string, any>;
    expect(sites['lastContact']).toBeGreaterThan(Date.now() - 60_000);
    expect(Object.keys(sites['nodes'])).toEqual([n.node.sync!.outbox.epoch]);
    expect(sites['streams'].map((s: { stream: string }) => s.stream).sort()).toEqual(['event', 'health', 'raw', 'rollup']);
    const s = await status();
    expect(s.reduction.rawBytes).toBeGreaterThan(0);
    expect(s.sent.wireBytes).toBeGreaterThan(0);
  }, 240_000);

  it('a batch sent again lands once', async () => {
    const cred = JSON.parse(readFileSync(join(dir, 'hub-credential.json'), 'utf8')) as { credential: string };
    const client = new HubClient({ url: hub!.url, credential: cred.credential });
    const rows = await sql("SELECT seq, event_id, kind, ts, asset_path, severity, tag, message, payload, epoch FROM site_events WHERE site_id = 'demo' ORDER BY seq LIMIT 2");
    const batch: SyncBatch = {
      siteId: 'demo', epoch: String(rows[0]!['epoch']), stream: 'event', firstSeq: 1, lastSeq: 2, droppedThrough: 0, backfill: false, sentAt: Date.now(),
      items: rows.map((r) => ({ seq: Number(r['seq']), at: Date.now(), data: { id: r['event_id'], kind: r['kind'], ts: new Date(r['ts'] as string).getTime(), assetPath: r['asset_path'], severity: r['severity'], ...(r['tag'] ? { tag: r['tag'] } : {}), message: r['message'], payload: r['payload'] } })),
    };
    const before = await sql('SELECT count(*)::int AS n FROM site_events');
    const again = await client.sendBatch(batch);
    expect(again.ack).toMatchObject({ duplicate: true, inserted: 0 });
    expect(await sql('SELECT count(*)::int AS n FROM site_events')).toEqual(before);
  });

  it('applies the desired config the hub hands out and reports it back', async () => {
    const text = readFileSync(DEMO_CONFIG, 'utf8').replace('name: Demo bottling and machining plant', 'name: Demo plant, config from the hub');
    const hubCall = (path: string, init: RequestInit = {}) => fetch(`${hub!.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } });
    const put = await hubCall('/sites/demo/config', { method: 'PUT', body: JSON.stringify({ document: text }) });
    expect(put.status).toBe(201);
    const { sha256 } = (await put.json()) as { sha256: string };
    await eventually(async () => n.node.rollout.applied?.sha256 === sha256, 60_000);
    expect(n.node.rollout.config.site.name).toBe('Demo plant, config from the hub');
    await eventually(async () => ((await (await hubCall('/sites/demo/config')).json()) as { inSync: boolean }).inSync, 30_000);
  }, 120_000);
});
