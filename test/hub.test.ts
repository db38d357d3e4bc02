import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateHub, startHub, type Hub } from '../src/hub/index.js';
import { HubClient, SyncError, type SyncBatch } from '../src/sync/index.js';
import { freshPostgresDatabase } from './hub-database.js';
import { peerEnabled } from './peers.js';

const usePostgres = await peerEnabled('postgres');
const EPOCH = 'epochAAAA1111';

function rollups(first: number, last: number, over: Partial<SyncBatch> = {}): SyncBatch {
  const items = [];
  for (let seq = first; seq <= last; seq++) {
    items.push({ seq, at: 1_700_000_000_000, data: { tag: `line1.t${seq % 3}`, bucket: 1_700_000_000_000 + seq * 60_000, assetPath: 'acme/p1/line1', unit: '°C', count: 60, min: 1, max: 3, avg: 2, first: 1, last: 3, good: 60 } });
  }
  return { siteId: 'plant1', epoch: EPOCH, stream: 'rollup', firstSeq: first, lastSeq: last, droppedThrough: 0, backfill: false, sentAt: Date.now(), items, ...over };
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !usePostgres)(`hub on ${kind}`, () => {
    let hub: Hub;
    let dataDir: string;
    let admin: string;
    let drop: (() => Promise<void>) | undefined;
    let site: HubClient;

    const call = (path: string, init: RequestInit & { json?: unknown; token?: string } = {}): Promise<Response> => {
      const { json, token = admin, ...rest } = init;
      return fetch(`${hub.url}/api/v1${path}`, {
        ...rest,
        headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
      });
    };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'fabrik-hub-'));
      let databaseUrl: string | undefined;
      if (kind === 'postgres') {
        const db = await freshPostgresDatabase();
        databaseUrl = db.url;
        drop = db.drop;
      }
      hub = await startHub({ dataDir, port: 0, logger: pino({ level: 'silent' }), ...(databaseUrl ? { databaseUrl } : {}) });
      admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    }, 60_000);

    afterAll(async () => {
      await hub?.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('lets a site dashboard on another origin read it with a bearer token (CORS)', async () => {
      const res = await fetch(`${hub.url}/api/v1/analytics/sites`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    });

    it('mints a viewer token that reads but cannot change, and revokes it', async () => {
      const res = await call('/tokens', { json: { role: 'viewer', name: 'hub page' } });
      expect(res.status).toBe(201);
      const { id, token } = (await res.json()) as { id: string; token: string };
      expect((await call('/analytics/sites', { token })).status).toBe(200);
      expect((await call('/enrolments', { token, json: {} })).status).toBe(403);
      expect((await call(`/tokens/${id}`, { method: 'DELETE' })).status).toBe(200);
      expect((await call('/analytics/sites', { token })).status).toBe(401);
    });

    it('migrates once: a second run (another hub starting) changes nothing', async () => {
      expect(await migrateHub(hub.db)).toEqual([]);
    });

    it('enrols a site once per token and refuses the token again', async () => {
      expect((await call('/enrolments', { json: {}, token: 'nope' })).status).toBe(401);
      const res = await call('/enrolments', { json: { siteId: 'plant1' } });
      expect(res.status).toBe(201);
      const { token } = (await res.json()) as { token: string };
      const anon = new HubClient({ url: hub.url });
      await expect(anon.enrol(token, 'plant2')).rejects.toThrow(/another site|unknown/);
      const enrolled = await anon.enrol(token, 'plant1', 'Plant 1');
      expect(enrolled.siteId).toBe('plant1');
      expect(enrolled.credential).toMatch(/^fsite_/);
      await expect(anon.enrol(token, 'plant1')).rejects.toThrow(/used/);
      site = new HubClient({ url: hub.url, credential: enrolled.credential });
      // Credentials are stored hashed.
      const stored = await hub.db.query<{ hash: string }>('SELECT hash FROM site_credentials');
      expect(stored.rows.map((r) => r.hash)).not.toContain(enrolled.credential);
      // A site cannot act as an admin.
      expect((await call('/sites', { token: enrolled.credential })).status).toBe(403);
    });

    it('stores a batch once, however often it comes, and refuses gaps unless the site dropped them', async () => {
      const first = await site.sendBatch(rollups(1, 3));
      expect(first.ack).toMatchObject({ ackedThrough: 3, inserted: 3, duplicate: false });
      expect((await site.sendBatch(rollups(1, 3))).ack).toMatchObject({ ackedThrough: 3, inserted: 0, duplicate: true });
      // Overlapping (the site lost its ack): only the new items land.
      expect((await site.sendBatch(rollups(2, 5))).ack).toMatchObject({ ackedThrough: 5, inserted: 2 });
      const gap = await site.sendBatch(rollups(8, 9)).catch((e: unknown) => e);
      expect(gap).toBeInstanceOf(SyncError);
      expect((gap as SyncError).code).toBe('SEQUENCE_GAP');
      expect((gap as SyncError).details['expected']).toBe(6);
      expect((await site.sendBatch(rollups(8, 9, { droppedThrough: 7 }))).ack).toMatchObject({ ackedThrough: 9, inserted: 2 });
      // The same batch sent by two hubs at once (a retry through another hub) still lands once.
      const both = await Promise.all([site.sendBatch(rollups(10, 20)), site.sendBatch(rollups(10, 20))]);
      expect(both.map((b) => b.ack.inserted).sort()).toEqual([0, 11]);
      const rows = await hub.db.query<{ seq: string | number }>("SELECT seq FROM site_rollups WHERE site_id = 'plant1' ORDER BY seq");
      expect(rows.rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      const detail = (await (await call('/sites/plant1')).json()) as { streams: { stream: string; ackedThrough: number; droppedItems: number }[] };
      expect(detail.streams).toEqual([expect.objectContaining({ stream: 'rollup', ackedThrough: 20, droppedItems: 2 })]);
      const ledger = (await (await call('/sites/plant1/ledger')).json()) as { batches: unknown[] };
      expect(ledger.batches.length).toBe(4);
    });

    it('refuses a batch for another site and invalid items with a clear error', async () => {
      await expect(site.sendBatch(rollups(21, 21, { siteId: 'plant9' }))).rejects.toThrow(/belongs to site "plant1"/);
      const bad = rollups(21, 21);
      (bad.items[0]!.data as Record<string, unknown>)['count'] = -1;
      await expect(site.sendBatch(bad)).rejects.toThrow(/items\[0\]\.data \(rollup\) count/);
    });

    it('serves cross-site analytics from events and health snapshots, and drills into rollups', async () => {
      const now = Date.now();
      const ev = (seq: number, kind: string) => ({ seq, at: now, data: { id: `e${seq}`, kind, ts: now - 1000, assetPath: 'acme/p1/line1', severity: 'high', message: kind, payload: { rule: 1 } } });
      await site.sendBatch({ siteId: 'plant1', epoch: EPOCH, stream: 'event', firstSeq: 1, lastSeq: 4, droppedThrough: 0, backfill: true, sentAt: now, items: [ev(1, 'spc.violation'), ev(2, 'spc.violation'), ev(3, 'anomaly'), ev(4, 'anomaly.cleared')] });
      await site.sendBatch({
        siteId: 'plant1', epoch: EPOCH, stream: 'health', firstSeq: 1, lastSeq: 1, droppedThrough: 0, backfill: false, sentAt: now,
        items: [{ seq: 1, at: now, data: { ts: now - 500, status: 'ok', components: { store: { state: 'up' } }, lines: [{ asset: 'acme/p1/line1', from: now - 60_000, to: now, oee: 0.8, total: 100, scrap: 5 }] } }],
      });
      const res = await call(`/analytics/sites?from=${now - 3_600_000}&to=${now + 1000}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { sites: Record<string, unknown>[] };
      expect(body.sites).toEqual([expect.objectContaining({ siteId: 'plant1', spcViolations: 2, anomalies: 1, oee: 0.8, units: 100, scrap: 5, scrapRate: 0.05 })]);
      const drill = (await (await call(`/analytics/sites/plant1/rollups?tag=line1.t1&from=0&to=${now}`)).json()) as { rows: { tag: string }[] };
      expect(drill.rows.length).toBeGreaterThan(0);
      expect(new Set(drill.rows.map((r) => r.tag))).toEqual(new Set(['line1.t1']));
      const backfill = await hub.db.query<{ n: number }>("SELECT count(*)::int AS n FROM site_events WHERE backfill");
      expect(backfill.rows[0]!.n).toBe(4);
    });

    it('hands the desired config to the site on contact until the site applied it', async () => {
      const doc = 'site: { id: plant1, name: Plant 1, enterprise: acme }\n';
      expect((await call('/sites/plant1/config', { method: 'PUT', json: { document: 'site: { id: other, name: X, enterprise: acme }\n' } })).status).toBe(400);
      const put = await call('/sites/plant1/config', { method: 'PUT', json: { document: doc } });
      expect(put.status).toBe(201);
      const { version, sha256 } = (await put.json()) as { version: number; sha256: string };
      expect(version).toBe(1);
      const contact = { siteId: 'plant1', backlog: { rollup: { items: 3, bytes: 100, oldestAt: 1 } }, appliedConfig: { version: null, sha256: null }, configError: null, models: [], health: { status: 'ok', components: {} }, drops: {}, reduction: null };
      const reply = await site.contact(contact);
      expect(reply.desiredConfig).toEqual({ version: 1, text: doc, signed: false });
      expect((await site.contact({ ...contact, appliedConfig: { version: 4, sha256 } })).desiredConfig).toBeNull();
      const sites = (await (await call('/sites')).json()) as { sites: Record<string, unknown>[] };
      expect(sites.sites[0]).toMatchObject({ siteId: 'plant1', appliedConfig: { version: 4, sha256 }, desiredConfigVersion: 1, backlog: { rollup: { items: 3 } } });
      expect(sites.sites[0]!['lastContact']).toBeGreaterThan(Date.now() - 60_000);
    });
  });
}
