import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createPipeline } from './pipeline.js';
import { createProcessorRegistry } from './processor-registry.js';
import { PipelineError } from './errors.js';
import { T0, batch, rows, siteFixture } from './test-fixture.js';

describe('createPipeline', () => {
  const f = siteFixture([
    { id: 'a', scale: { factor: 10 }, deadband: { absolute: 5 } },
    { id: 'b', deadband: { absolute: 5 } },
    { id: 'c', range: { low: 0, high: 1, action: 'drop' } },
  ]);

  it('runs the default chain with per-tag state kept apart', () => {
    const p = createPipeline({ config: f.config, tags: f.tags, now: () => T0 + 60_000 });
    const out = p.process(batch([
      [0, T0, 1], [1, T0, 1], [2, T0, 0.5],
      [0, T0 + 1, 1.2], [1, T0 + 1, 1.2], // a: 12 vs 10 → suppressed; b: 1.2 vs 1 → suppressed
      [0, T0 + 2, 1.6], [1, T0 + 2, 7], // a: 16 vs 10 → passes; b: 7 vs 1 → passes
      [2, T0 + 2, 3], // c out of range → dropped
      [1, 100, 1], // pre-2000 → rejected
      [1, T0 + 2, 9], // duplicate ts of b → dropped
    ]));
    expect(rows(out)).toEqual([
      [0, T0, 10, 192], [1, T0, 1, 192], [2, T0, 0.5, 192], [0, T0 + 2, 16, 192], [1, T0 + 2, 7, 192],
    ]);
    const s = p.stats();
    expect([s.in, s.out]).toEqual([10, 5]);
    const byName = Object.fromEntries(s.stages.map((st) => [st.name, st]));
    expect(Object.keys(byName)).toEqual(['timestamp-guard', 'late-data', 'scale', 'range', 'rate-of-change', 'deadband', 'swinging-door']);
    expect(byName['timestamp-guard']!.dropped).toEqual({ before_2000: 1 });
    expect(byName['late-data']!.dropped).toEqual({ duplicate: 1 });
    expect(byName['range']!.dropped).toEqual({ out_of_range: 1 });
    expect(byName['deadband']!.dropped).toEqual({ deadband: 2 });
  });

  it('keeps source ts, arrival and quality through the chain', () => {
    const p = createPipeline({ config: f.config, tags: f.tags, now: () => T0 });
    const out = p.process(batch([[1, T0 - 5, 3, Quality.UncertainLastUsable]]));
    expect([out.ts[0], out.arrival[0], out.quality[0]]).toEqual([T0 - 5, T0, Quality.UncertainLastUsable]);
  });

  it('sends tick releases through the stages after the one that released them', () => {
    const g = siteFixture([{ id: 'line1.m.vib', deadband: { absolute: 100, maxInterval: '1s' } }], {
      pipeline: { processors: [{ type: 'deadband' }, { type: 'window', tags: ['line1.*.vib'], window: '1s', functions: ['count'] }] },
    });
    const p = createPipeline({ config: g.config, tags: g.tags, now: () => T0 + 10_000 });
    expect(p.process(batch([[0, T0, 1], [0, T0 + 500, 2]])).length).toBe(0); // 1 goes into the open window
    // The heartbeat at +1.5s releases (T0+500, 2) — same window — then (T0+3s) repeats it; the second closes [T0,T0+1s).
    expect(p.tick(T0 + 1500).length).toBe(0);
    const out = p.tick(T0 + 3000);
    expect(rows(out).map((r) => [g.tags.get(r[0])!.id, r[1] - T0, r[2]])).toEqual([['line1.m.vib.count_1s', 0, 2]]);
  });

  it('rejects an unknown processor type; a registry copy can add one', () => {
    const bad = { ...f.config, pipeline: { ...f.config.pipeline, processors: [{ type: 'nope' }] } } as never;
    expect(() => createPipeline({ config: bad, tags: f.tags })).toThrow(PipelineError);
    const registry = createProcessorRegistry();
    registry.set('nope', () => ({ name: 'nope', process: (b) => b }));
    expect(createPipeline({ config: bad, tags: f.tags, registry }).stats().stages.map((s) => s.name))
      .toEqual(['timestamp-guard', 'late-data', 'nope']);
    expect(createProcessorRegistry().has('nope')).toBe(false);
  });
});
