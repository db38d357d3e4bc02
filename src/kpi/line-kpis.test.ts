import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionSchema, storeSchema } from '../config/index.js';
import { Quality, SampleBatchBuilder, TagRegistry, type TagDefinition } from '../core/index.js';
import { EdgeStore } from '../store/index.js';
import { lineKpiSchema } from './kpi-schema.js';
import { lineKpis, type KpiSite } from './line-kpis.js';
import { currentShift } from './shift-window.js';

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const MIN = 60_000;
const ASSET = 'acme/p1/pack/line1';
const STATE_MAP = { '0': 'off', '1': 'idle', '2': 'running', '3': 'faulted' } as const;

function def(id: string): TagDefinition {
  return { id, assetPath: `${ASSET}/filler`, point: id.split('.').at(-1)!, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'sim', writable: false };
}

let dir: string;
let store: EdgeStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fabrik-kpi-'));
  const tags = new TagRegistry();
  for (const id of ['line1.filler.state', 'line1.filler.bottles', 'line1.filler.rejects']) tags.define(def(id));
  store = await EdgeStore.open({ dataDir: dir, tags, store: storeSchema.parse({ commitInterval: 20 }), retention: retentionSchema.parse({}) });
  const b = new SampleBatchBuilder();
  const at = (tag: number, ts: number, v: number, q: number = Quality.Good): void => b.push(tag, ts, v, q, ts);
  // State: running from before the window, faulted at 4 min, idle at 5, running at 6 and 7.
  at(0, T0 - 30_000, 2);
  at(0, T0 + 4 * MIN, 3);
  at(0, T0 + 5 * MIN, 1);
  at(0, T0 + 6 * MIN, 2);
  at(0, T0 + 7 * MIN, 2);
  // Counter: +60, +60, reset to 5 (counts 5), +60; a bad-quality reading and one after the window are ignored.
  at(1, T0 - 10_000, 100);
  at(1, T0 + 1 * MIN, 160);
  at(1, T0 + 90_000, 9_999, Quality.BadSensorFailure);
  at(1, T0 + 2 * MIN, 220);
  at(1, T0 + 3 * MIN, 5);
  at(1, T0 + 4 * MIN, 65);
  at(1, T0 + 11 * MIN, 999);
  at(2, T0 - 5_000, 10);
  at(2, T0 + 2 * MIN, 12);
  at(2, T0 + 9 * MIN, 15);
  await store.write(b.build());
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const site = (over: Record<string, unknown> = {}): KpiSite => ({
  lines: [lineKpiSchema.parse({ asset: ASSET, stateTag: 'line1.filler.state', countTag: 'line1.filler.bottles', scrapTags: ['line1.filler.rejects'], idealRate: 60, unit: 'bottles', maxGap: '5m', ...over })],
  assets: [
    { path: ASSET, name: 'Line 1' },
    { path: `${ASSET}/filler`, stateTag: 'line1.filler.state', stateMap: { ...STATE_MAP } },
  ],
});

describe('lineKpis on a real store', () => {
  it('times states, counts through a counter reset and computes OEE', async () => {
    const [kpi] = await lineKpis(site(), (sql) => store.query(sql), { from: T0, to: T0 + 10 * MIN, now: T0 + 60 * MIN });
    expect(kpi!.durations).toEqual({ running: 8 * MIN, idle: MIN, faulted: MIN, off: 0, unknown: 0 });
    expect(kpi!.total).toBe(185);
    expect(kpi!.scrap).toBe(5);
    expect(kpi!.availability).toBeCloseTo(8 / 10, 10);
    expect(kpi!.performance).toBeCloseTo(185 / (8 * 60), 10);
    expect(kpi!.quality).toBeCloseTo(180 / 185, 10);
    expect(kpi!.oee).toBeCloseTo((8 / 10) * (185 / 480) * (180 / 185), 10);
    expect(kpi).toMatchObject({ asset: ASSET, name: 'Line 1', unit: 'bottles', from: T0, to: T0 + 10 * MIN, good: 180 });
  });

  it('holds a state sample at most maxGap, so a gap in the data is unknown time, not downtime', async () => {
    const [kpi] = await lineKpis(site({ maxGap: '2m' }), (sql) => store.query(sql), { from: T0, to: T0 + 10 * MIN, now: T0 + 60 * MIN });
    expect(kpi!.durations).toEqual({ running: 4.5 * MIN, idle: MIN, faulted: MIN, off: 0, unknown: 3.5 * MIN });
    expect(kpi!.availability).toBeCloseTo(4.5 / 6.5, 10);
  });

  it('stops the period at "now" and uses a state map given on the line', async () => {
    const [kpi] = await lineKpis(site({ stateMap: { '2': 'running', '3': 'faulted' } }), (sql) => store.query(sql), { from: T0, to: T0 + 60 * MIN, now: T0 + 5 * MIN });
    expect(kpi!.to).toBe(T0 + 5 * MIN);
    // Value 1 (idle) is not in the line's own map, so it is unknown time.
    expect(kpi!.durations).toEqual({ running: 4 * MIN, idle: 0, faulted: MIN, off: 0, unknown: 0 });
  });

  it('reports a line without data with notes rather than numbers it cannot know', async () => {
    const [kpi] = await lineKpis(site(), (sql) => store.query(sql), { from: T0 + 100 * MIN, to: T0 + 160 * MIN, now: T0 + 200 * MIN });
    expect(kpi).toMatchObject({ total: 0, availability: null, oee: null });
    expect(kpi!.durations.unknown).toBe(60 * MIN);
    expect(kpi!.notes.join(' ')).toMatch(/no samples of state tag "line1.filler.state"/);
  });

  it('wraps a failing query in a KPI error that says what to do', async () => {
    const err = await lineKpis(site(), () => Promise.reject(new Error('store closed')), { from: T0, to: T0 + MIN, now: T0 + MIN }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KPI_QUERY_FAILED' });
    expect((err as Error).message).toMatch(/store closed.*\/healthz/);
  });
});

describe('currentShift', () => {
  const shifts = [
    { name: 'early', start: '06:00', end: '14:00' },
    { name: 'late', start: '14:00', end: '22:00' },
    { name: 'night', start: '22:00', end: '06:00' },
  ];
  it('finds the shift and its bounds in the site time zone, across midnight and DST', () => {
    expect(currentShift('Europe/Berlin', shifts, Date.parse('2025-01-15T12:30:17Z'))).toEqual({ name: 'early', from: Date.parse('2025-01-15T05:00:00Z'), to: Date.parse('2025-01-15T13:00:00Z') });
    expect(currentShift('Europe/Berlin', shifts, Date.parse('2025-07-15T23:10:00Z'))).toEqual({ name: 'night', from: Date.parse('2025-07-15T20:00:00Z'), to: Date.parse('2025-07-16T04:00:00Z') });
  });
  it('is null when no shift covers the time', () => {
    expect(currentShift('UTC', [{ name: 'day', start: '08:00', end: '16:00' }], Date.parse('2025-01-15T20:00:00Z'))).toBeNull();
  });
});
