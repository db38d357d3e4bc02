import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { globToRegExp, createWindow } from './window.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

type Spec = Parameters<typeof createWindow>[0];
const spec = (s: Partial<Spec>): Spec => ({ type: 'window', tags: ['line1.*.vibration'], window: 1000, functions: ['min', 'max', 'avg', 'count', 'first', 'last'], keepRaw: false, ...s });

describe('window', () => {
  const make = () => siteFixture([
    { id: 'line1.filler.vibration', unit: 'mm/s' },
    { id: 'line1.filler.temperature' },
  ]);

  it('aggregates per tumbling window, names and registers derived tags, closes on watermark', () => {
    const f = make();
    const ctx = contextFor(f);
    const w = createWindow(spec({}), ctx);
    const out = w.process(batch([
      [0, T0 + 100, 4], [1, T0 + 150, 20], [0, T0 + 50, 2] /* out of order, same window */, [0, T0 + 999, 6, Quality.Uncertain],
      [0, T0 + 1000, 100], // first of the next window: closes [T0, T0+1s)
      [0, T0 + 900, 50], // late: its window is closed
    ]));
    const names = (r: [number, ...unknown[]]) => f.tags.get(r[0])!.id;
    expect(rows(out).map((r) => [names(r), r[1] - T0, r[2], r[3]])).toEqual([
      ['line1.filler.temperature', 150, 20, 192],
      ['line1.filler.vibration.min_1s', 0, 2, Quality.Uncertain],
      ['line1.filler.vibration.max_1s', 0, 6, Quality.Uncertain],
      ['line1.filler.vibration.avg_1s', 0, 4, Quality.Uncertain],
      ['line1.filler.vibration.count_1s', 0, 3, Quality.Uncertain],
      ['line1.filler.vibration.first_1s', 0, 2, Quality.Uncertain],
      ['line1.filler.vibration.last_1s', 0, 6, Quality.Uncertain],
    ]);
    const avg = f.tags.get(f.tags.index('line1.filler.vibration.avg_1s')!)!;
    expect([avg.assetPath, avg.unit, avg.source]).toEqual(['acme/p1/packaging/line1/filler', 'mm/s', 'window']);
    expect(f.tags.get(f.tags.index('line1.filler.vibration.count_1s')!)!.unit).toBe('');
    expect(ctx.stats.snapshot().observed).toMatchObject({ late: 1, windows: 1 });

    // The open window [T0+1s, T0+2s) closes on tick after one window of grace.
    expect(w.tick(T0 + 2999)).toBeNull();
    expect(rows(w.tick(T0 + 3000)).map((r) => [r[1] - T0, r[2]])).toEqual([[1000, 100], [1000, 100], [1000, 100], [1000, 1], [1000, 100], [1000, 100]]);
  });

  it('keepRaw passes raw samples on; bad samples are left out of the aggregate', () => {
    const f = make();
    const w = createWindow(spec({ functions: ['avg', 'count'], keepRaw: true }), contextFor(f));
    const out = w.process(batch([[0, T0, 1], [0, T0 + 10, Number.NaN, Quality.BadSensorFailure], [0, T0 + 20, 3], [0, T0 + 2000, 9]]));
    expect(rows(out).map((r) => r[2])).toEqual([1, Number.NaN, 3, 2, 2, 9]);
  });

  it('globs: * is one id segment, ** any run', () => {
    expect(globToRegExp('line1.*.vibration').test('line1.filler.vibration')).toBe(true);
    expect(globToRegExp('line1.*.vibration').test('line1.a.b.vibration')).toBe(false);
    expect(globToRegExp('line1.**').test('line1.a.b.vibration')).toBe(true);
  });
});
