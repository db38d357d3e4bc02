import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Bus, TagRegistry } from '../src/core/index.js';
import { startHub, type Hub } from '../src/hub/index.js';
import { HubClient, startSiteSync, syncConfigSchema, type SiteSync } from '../src/sync/index.js';
import { eventually } from './edge-node-fixture.js';
import { freshPostgresDatabase } from './hub-database.js';
import { peerEnabled } from './peers.js';

const usePostgres = await peerEnabled('postgres');
const MINUTE = 60_000;
const TAGS = 100;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The store's `rollups_1m` as the collector reads it: every tag has a rollup in every minute asked for. */
async function rollupsOf(sql: string): Promise<{ rows: unknown[][] }> {
  const [from, to] = [...sql.matchAll(/epoch_ms\((\d+)\)/g)].map((m) => Number(m[1]));
  const rows: unknown[][] = [];
  for (let b = from!; b < to!; b += MINUTE) for (let t = 0; t < TAGS; t++) rows.push([b, `line1.tag${t}`, 'acme/plant1/line1', 'bar', 60, 1, 3, 2, 1.5, 2.5, 60]);
  return { rows };
}

/**
 * An hour of site time without a hub, on an accelerated clock: the backlog
 * grows by an hour of rollups, the status tells its age and how long the free
 * space lasts, and when the hub comes back everything lands once, in order,
 * flagged as backfill.
 */
describe(`an hour-long hub outage on an accelerated clock (${usePostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-outage-hour-'));
  let hub: Hub | undefined;
  let sync: SiteSync | undefined;
  let dropDb: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await sync?.stop();
    await hub?.close();
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an hour of rollups, reports the outage, then drains them exactly once and in order', async () => {
    let databaseUrl: string | undefined;
    if (usePostgres) {
      const db = await freshPostgresDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    const port = await freePort();
    const openHub = () => startHub({ dataDir: join(dir, 'hub'), port, logger: pino({ level: 'silent' }), ...(databaseUrl ? { databaseUrl } : {}) });
    hub = await openHub();
    const admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const created = await fetch(`${hub.url}/api/v1/enrolments`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{}' });
    const { token } = (await created.json()) as { token: string };
    const enrolled = await new HubClient({ url: hub.url }).enrol(token, 'plant1');
    writeFileSync(join(dir, 'credential.json'), JSON.stringify({ hub: hub.url, siteId: 'plant1', credential: enrolled.credential }));
    const url = hub.url;
    await hub.close();
    hub = undefined;

    const start = Date.UTC(2026, 0, 1, 12, 0);
    let now = start;
    const config = syncConfigSchema.parse({
      hub: url,
      credentialsFile: join(dir, 'credential.json'),
      send: { health: false },
      outbox: { maxBytes: '50MB' },
      collectEvery: '1h',
      rollupDelay: '0ms',
      initialBackfill: '0ms',
      uplink: { retryMin: '50ms', retryMax: '200ms', contactEvery: '1h', backfillAfter: '5m', batchItems: 1000 },
    });
    sync = await startSiteSync({
      config: { ...config, hub: url }, siteId: 'plant1', siteName: 'Plant 1', dataDir: join(dir, 'site'),
      query: rollupsOf, bus: new Bus(), tags: new TagRegistry(), health: () => ({ status: 'ok', components: {} }),
      appliedConfig: () => ({ version: null, sha256: null }), logger: pino({ level: 'silent' }), now: () => now,
    });
    expect(sync.status().backlog.items).toBe(0);
    for (let minute = 0; minute < 60; minute++) {
      now += MINUTE;
      await sync.collector.collectRollups();
    }
    await eventually(async () => sync!.status().state === 'backing-off', 30_000, 20);
    const during = sync.status();
    expect(during.backlog.items).toBe(60 * TAGS);
    expect(now - during.backlog.oldestTs!).toBeGreaterThanOrEqual(55 * MINUTE);
    expect(during.drops).toEqual({});
    // An hour filled `bytes`; the free space lasts (max - bytes) / bytes hours at that rate.
    const expected = (50e6 - during.backlog.bytes) / during.backlog.bytes;
    expect(during.coverHours).toBeGreaterThan(expected * 0.95);
    expect(during.coverHours).toBeLessThan(expected * 1.05);

    hub = await openHub();
    await eventually(async () => sync!.status().backlog.items === 0, 60_000);
    const rows = (await hub.db.query<{ seq: string | number; bucket: Date | string; tag: string; backfill: boolean }>("SELECT seq, bucket, tag, backfill FROM site_rollups WHERE site_id = 'plant1' ORDER BY seq")).rows;
    expect(rows.length).toBe(60 * TAGS);
    rows.forEach((r, i) => {
      expect(Number(r.seq)).toBe(i + 1);
      // In order: minute by minute, the tags of a minute together.
      expect(new Date(r.bucket).getTime()).toBe(start + Math.floor(i / TAGS) * MINUTE);
      expect(r.tag).toBe(`line1.tag${i % TAGS}`);
    });
    // Waited longer than backfillAfter (5 min of site time): flagged as backfill.
    expect(rows.filter((r) => r.backfill).length).toBeGreaterThanOrEqual(50 * TAGS);
    expect(sync.status().state).toBe('connected');
  }, 180_000);
});
