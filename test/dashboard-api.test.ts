import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestNode, type RunningNode } from './edge-node-fixture.js';

// The routes the dashboard reads, against a real node running the demo plant.
let n: RunningNode;
beforeAll(async () => {
  n = await startTestNode();
});
afterAll(() => n.close());

const json = async <T>(path: string): Promise<T> => {
  const res = await n.api(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

describe('dashboard routes on the demo plant', () => {
  it('describes the site: assets with state maps, shifts, KPI lines and a config digest', async () => {
    const site = await json<{ assets: { path: string; stateTag?: string; stateMap?: object }[]; shifts: unknown[]; kpi: { lines: { asset: string }[] }; config: { digest: string } }>('/api/v1/site');
    expect(site.assets.find((a) => a.path === 'acme/demo/bottling/line1/filler')).toMatchObject({ stateTag: 'line1.filler.state', stateMap: { '2': 'running' } });
    expect(site.shifts).toHaveLength(3);
    expect(site.kpi.lines.map((l) => l.asset)).toEqual(['acme/demo/bottling/line1', 'acme/demo/machining/cnc1']);
    expect(site.config.digest).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('computes line KPIs from the stored states and counters', async () => {
    const from = Date.now();
    const kpi = await eventually(async () => {
      const r = await json<{ lines: { asset: string; total: number; durations: { running: number }; availability: number | null; oee: number | null }[] }>(`/api/v1/kpi/lines?from=${from}`);
      const line1 = r.lines[0]!;
      return line1.total > 0 && line1.durations.running > 0 ? r : null;
    });
    const line1 = kpi.lines[0]!;
    expect(line1.asset).toBe('acme/demo/bottling/line1');
    expect(line1.availability).toBeGreaterThan(0);
    expect(line1.availability).toBeLessThanOrEqual(1);
    expect(line1.oee).toBeGreaterThan(0);
    const shift = await json<{ shift: string; from: number }>('/api/v1/kpi/lines?period=shift');
    expect(['early', 'late', 'night']).toContain(shift.shift);
    expect(shift.from).toBeLessThanOrEqual(Date.now());
  });

  it('answers the newest values of a machine at once and the ingest rate', async () => {
    const latest = await eventually(async () => {
      const r = await json<{ samples: { tag: string; value: unknown }[] }>('/api/v1/latest?asset=acme/demo/bottling/line1/filler');
      return r.samples.length >= 5 ? r : null;
    });
    expect(latest.samples.map((s) => s.tag)).toContain('line1.filler.state');
    await json('/api/v1/system');
    const system = await eventually(async () => {
      const s = await json<{ ingest: { perSecond: number | null; stored: number }; store: { fileBytes: number }; health: { components: Record<string, unknown> } }>('/api/v1/system');
      return s.ingest.perSecond !== null && s.ingest.perSecond > 0 ? s : null;
    });
    expect(system.ingest.stored).toBeGreaterThan(0);
    expect(system.store.fileBytes).toBeGreaterThan(0);
    expect(Object.keys(system.health.components)).toEqual(expect.arrayContaining(['store', 'line1', 'cnc1']));
  });
});
