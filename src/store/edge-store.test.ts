import { afterEach, describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder, createEvent } from '../core/index.js';
import type { EdgeStore } from './edge-store.js';
import { openStore, registry, tagDef, tempDir } from './store-fixture.js';

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);
let open: EdgeStore[] = [];
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});
async function track(p: Promise<EdgeStore>): Promise<EdgeStore> {
  const s = await p;
  open.push(s);
  return s;
}

describe('EdgeStore', () => {
  it('writes samples durably and reads them back through the samples view', async () => {
    const tags = registry(3);
    const store = await track(openStore(tempDir(), tags));
    const b = new SampleBatchBuilder();
    b.push(0, T0, 21.5, Quality.Good, T0 + 12);
    b.push(1, T0 + 1000, 1, Quality.UncertainEuExceeded, T0 + 1000);
    b.pushText(2, T0 + 2000, 'RUNNING', Quality.Good, T0 + 2000);
    b.push(0, T0 + 3000, 0.25, Quality.BadSensorFailure, T0 + 3000);
    await store.write(b.build());
    const r = await store.query('SELECT ts, tag, asset_path, unit, value, value_text, quality, quality_code, arrival FROM samples ORDER BY ts');
    expect(r.columns.map((c) => c.name)).toEqual(['ts', 'tag', 'asset_path', 'unit', 'value', 'value_text', 'quality', 'quality_code', 'arrival']);
    expect(r.columns[0]!.type).toBe('TIMESTAMP');
    expect(r.rows).toEqual([
      ['2025-01-01T08:00:00.000Z', 'line1.m0.temp', 'acme/site1/area1/line1/m0', 'degC', 21.5, null, 'good', 192, '2025-01-01T08:00:00.012Z'],
      ['2025-01-01T08:00:01.000Z', 'line1.m1.temp', 'acme/site1/area1/line1/m1', 'degC', 1, null, 'uncertain', 84, '2025-01-01T08:00:01.000Z'],
      ['2025-01-01T08:00:02.000Z', 'line1.m2.temp', 'acme/site1/area1/line1/m2', 'degC', null, 'RUNNING', 'good', 192, '2025-01-01T08:00:02.000Z'],
      ['2025-01-01T08:00:03.000Z', 'line1.m0.temp', 'acme/site1/area1/line1/m0', 'degC', 0.25, null, 'bad', 16, '2025-01-01T08:00:03.000Z'],
    ]);
    expect(store.stats().samplesWritten).toBe(4);
    expect(store.health().state).toBe('up');
  });

  it('stores NaN and Infinity as NULL with bad quality instead of failing', async () => {
    const store = await track(openStore(tempDir(), registry(1)));
    const b = new SampleBatchBuilder();
    b.push(0, T0, Number.NaN, Quality.Good);
    b.push(0, T0 + 1, Number.POSITIVE_INFINITY, Quality.Uncertain);
    b.push(0, T0 + 2, Number.NEGATIVE_INFINITY, Quality.BadCommFailure);
    await store.write(b.build());
    const r = await store.query('SELECT value, quality_code FROM samples ORDER BY ts');
    expect(r.rows).toEqual([[null, 0], [null, 0], [null, 24]]);
    expect(store.stats().nonFiniteValues).toBe(3);
    expect(store.latest(0)).toMatchObject({ quality: 24 });
    expect((await store.query('SELECT count(*) FROM rollups_1m')).rows).toEqual([[0]]);
  });

  it('lists tags, including ones defined after open, and keeps keys across restarts', async () => {
    const dir = tempDir();
    const tags = registry(2);
    let store = await track(openStore(dir, tags));
    const idx = tags.define(tagDef(7, { dataType: 'boolean', unit: '', low: 0, high: 1, writable: true }));
    const b = new SampleBatchBuilder();
    b.push(idx, T0, 1, Quality.Good);
    await store.write(b.build());
    await store.close();
    open = [];
    // A new registry that numbers the tags differently.
    const tags2 = registry(0);
    tags2.define(tagDef(7, { dataType: 'boolean', unit: '', low: 0, high: 1, writable: true }));
    store = await track(openStore(dir, tags2));
    const r = await store.query(`SELECT id, data_type, low, high, writable FROM tags ORDER BY id`);
    expect(r.rows).toEqual([['line1.m0.temp', 'number', null, null, false], ['line1.m1.temp', 'number', null, null, false], ['line1.m7.temp', 'boolean', 0, 1, true]]);
    expect(store.latest(0)).toEqual({ tag: 0, ts: T0, value: true, quality: Quality.Good });
    expect((await store.query(`SELECT tag, value FROM samples`)).rows).toEqual([['line1.m7.temp', 1]]);
  });

  it('rebuilds latest values at open', async () => {
    const dir = tempDir();
    const tags = registry(3);
    let store = await track(openStore(dir, tags));
    const b = new SampleBatchBuilder();
    b.push(0, T0 + 5000, 5, Quality.Good);
    b.push(0, T0, 1, Quality.Good);
    b.pushText(1, T0, 'IDLE', Quality.Uncertain);
    await store.write(b.build());
    expect(store.latest(0)).toEqual({ tag: 0, ts: T0 + 5000, value: 5, quality: 192 });
    await store.close();
    open = [];
    store = await track(openStore(dir, tags));
    expect(store.latest(0)).toEqual({ tag: 0, ts: T0 + 5000, value: 5, quality: 192 });
    expect(store.latest(1)).toEqual({ tag: 1, ts: T0, value: 'IDLE', quality: 64 });
    expect(store.latest(2)).toBeUndefined();
    expect([...store.latestAll().keys()].sort()).toEqual([0, 1]);
  });

  it('round-trips events and filters them', async () => {
    const store = await track(openStore(tempDir(), registry(1)));
    const e1 = createEvent({ kind: 'spc.violation', ts: T0, assetPath: 'acme/site1/area1/line1/m0', severity: 'high', tag: 'line1.m0.temp', message: 'rule 1', payload: { rule: 1, values: [1.5, 2] } });
    const e2 = createEvent({ kind: 'config.applied', ts: T0 + 1000, assetPath: 'acme/site1', severity: 'info', message: 'applied' });
    await store.writeEvents([e1, e2]);
    expect(await store.events()).toEqual([e2, e1]);
    expect(await store.events({ kind: 'spc.violation' })).toEqual([e1]);
    expect(await store.events({ assetPath: 'acme/site1/area1' })).toEqual([e1]);
    expect(await store.events({ from: T0 + 1, to: T0 + 2000 })).toEqual([e2]);
    expect(await store.events({ tag: 'line1.m0.temp', limit: 5 })).toEqual([e1]);
    const r = await store.query(`SELECT kind, payload FROM events WHERE kind = 'spc.violation'`);
    expect(r.rows).toEqual([['spc.violation', { rule: 1, values: [1.5, 2] }]]);
    expect(store.stats().eventsWritten).toBe(2);
  });

  it('compacts hot rows into the sorted cold table without changing query results', async () => {
    const store = await track(openStore(tempDir(), registry(4)));
    const b = new SampleBatchBuilder();
    for (let i = 0; i < 1000; i++) b.push(i % 4, T0 + i * 250, Math.round(Math.sin(i / 50) * 100) / 100, Quality.Good);
    await store.write(b.build());
    const sql = 'SELECT tag, count(*), sum(value), min(ts), max(ts) FROM samples GROUP BY tag ORDER BY tag';
    const before = await store.query(sql);
    const moved = await store.compact();
    expect(moved.rawRows).toBe(1000);
    expect((await store.query(sql)).rows).toEqual(before.rows);
    expect((await store.query('SELECT count(*) FROM raw_hot')).rows).toEqual([[0]]);
  });

  it('rejects writes after close', async () => {
    const store = await openStore(tempDir(), registry(1));
    await store.close();
    await expect(store.write(new SampleBatchBuilder().build())).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(store.health().state).toBe('stopped');
  });
});
