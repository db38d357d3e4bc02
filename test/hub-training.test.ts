import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateHub, pgliteDatabase, postgresDatabase, type HubDatabase } from '../src/hub/index.js';
import { settleModelDeployments, trainOnHub } from '../src/hub/models/index.js';
import { loadOnnxModel } from '../src/inference/index.js';
import { freshPostgresDatabase } from './hub-database.js';
import { peerEnabled } from './peers.js';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const TAGS = ['cnc1.lathe.spindle_load', 'cnc1.lathe.tool_wear', 'cnc1.lathe.coolant_temp'];

const usePostgres = await peerEnabled('postgres');

for (const kind of ['pglite', 'postgres'] as const) describe.skipIf(kind === 'postgres' && !usePostgres)(`training on synced data (${kind})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-hub-train-'));
  let db: HubDatabase;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') {
      const fresh = await freshPostgresDatabase();
      drop = fresh.drop;
      db = postgresDatabase(fresh.url);
    } else db = await pgliteDatabase(join(dir, 'db'));
    await migrateHub(db);
    await db.query("INSERT INTO sites (site_id, name) VALUES ('plant1', 'Plant 1')");
    // 90 minutes of rollups for three correlated tags; raw samples (1 Hz, 3 minutes) for the first two only.
    let seq = 0;
    for (let m = 0; m < 90; m++) {
      const load = 50 + 10 * Math.sin(m / 7) + ((m * 7919) % 13) / 13;
      const values = [load, 0.5 * load + ((m * 104729) % 7) / 7, 20 + 0.1 * load];
      for (const [j, tag] of TAGS.entries()) {
        await db.query("INSERT INTO site_rollups (site_id, epoch, seq, tag, bucket, count, avg, good, backfill) VALUES ('plant1', 'e1', $1, $2, $3, 6, $4, 6, false)", [++seq, tag, new Date(T0 + m * 60_000).toISOString(), values[j]]);
      }
    }
    for (let s = 0; s < 180; s++) {
      const load = 50 + 10 * Math.sin(s / 9) + ((s * 7919) % 11) / 11;
      for (const [j, tag] of TAGS.slice(0, 2).entries()) {
        await db.query("INSERT INTO site_raw (site_id, epoch, seq, tag, ts, value, quality, backfill) VALUES ('plant1', 'e1', $1, $2, $3, $4, 192, false)", [++seq, tag, new Date(T0 + s * 1000 + j * 10).toISOString(), j === 0 ? load : 0.5 * load + ((s * 31) % 5) / 5]);
      }
    }
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains on 1-minute rollups when the raw samples stayed on the site, and stores versions', async () => {
    const req = { kind: 'iforest' as const, siteId: 'plant1', tags: TAGS, from: T0, to: T0 + 90 * 60_000, createdBy: 'test' };
    const first = await trainOnHub(db, req);
    expect(first).toMatchObject({ name: 'plant1-iforest', version: 1, source: { data: 'rollup', window: '1m', rows: 90 } });
    expect(first.metrics['rows']).toBeGreaterThan(0);
    const second = await trainOnHub(db, req);
    expect(second.version).toBe(2);
    const [row] = (await db.query<{ onnx: Uint8Array; sha256: string }>("SELECT onnx, sha256 FROM hub_models WHERE name = 'plant1-iforest' AND version = 1")).rows;
    expect(row!.sha256).toBe(first.sha256);
    const model = await loadOnnxModel(new Uint8Array(row!.onnx));
    expect(model.manifest).toMatchObject({ name: 'plant1-iforest', input: { type: 'tags', tags: TAGS, window: 60_000 } });
    await model.close();
  });

  it('trains on raw samples in windows when the sync policy released every tag', async () => {
    const m = await trainOnHub(db, { kind: 'pca', siteId: 'plant1', tags: TAGS.slice(0, 2), from: T0, to: T0 + 3 * 60_000, name: 'lathe-raw', createdBy: 'test' });
    expect(m.source).toMatchObject({ data: 'raw', window: '1s' });
    expect(m.source.rows).toBeGreaterThan(150);
    expect(m.metrics).toHaveProperty('falseAlarmRate');
  });

  it('says why it cannot train', async () => {
    const base = { siteId: 'plant1', tags: TAGS, from: T0, to: T0 + 90 * 60_000, createdBy: 'test' };
    await expect(trainOnHub(db, { ...base, kind: 'pca', source: 'raw' })).rejects.toThrow(/cnc1\.lathe\.coolant_temp.*sync policy must release/);
    await expect(trainOnHub(db, { ...base, kind: 'image-classifier' })).rejects.toThrow(/pictures stay on the site/);
    await expect(trainOnHub(db, { ...base, kind: 'pca', siteId: 'nowhere' })).rejects.toThrow(/no site "nowhere"/);
    await expect(trainOnHub(db, { ...base, kind: 'pca', from: T0 + 89 * 60_000 })).rejects.toThrow(/need at least \d+ rows/);
    await expect(trainOnHub(db, { ...base, kind: 'pca', name: 'Bad Name' })).rejects.toThrow(/model name/);
  });

  it('hands a distributed version to the site until it holds it or refuses it', async () => {
    const [m] = (await db.query<{ sha256: string }>("SELECT sha256 FROM hub_models WHERE name = 'plant1-iforest' AND version = 2")).rows;
    await db.query("INSERT INTO model_deployments (site_id, name, version, mode, created_by) VALUES ('plant1', 'plant1-iforest', 2, 'shadow', 'test')");
    const none = { models: [], modelErrors: [] };
    expect(await settleModelDeployments(db, 'plant1', none)).toEqual([expect.objectContaining({ name: 'plant1-iforest', version: 2, mode: 'shadow', sha256: m!.sha256 })]);
    expect(await settleModelDeployments(db, 'plant1', { models: [], modelErrors: [{ name: 'plant1-iforest', sha256: m!.sha256, message: 'checksum' }] })).toEqual([]);
    expect((await db.query("SELECT error FROM model_deployments WHERE site_id = 'plant1'")).rows[0]).toEqual({ error: 'checksum' });
    expect(await settleModelDeployments(db, 'plant1', { models: [{ name: 'plant1-iforest', version: null, shadow: 'v1', sha256s: [m!.sha256] }], modelErrors: [] })).toEqual([]);
    const [d] = (await db.query<{ applied_at: unknown; error: unknown }>("SELECT applied_at, error FROM model_deployments WHERE site_id = 'plant1'")).rows;
    expect(d!.applied_at).not.toBeNull();
    expect(d!.error).toBeNull();
  });
});
