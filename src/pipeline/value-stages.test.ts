import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createRange } from './range.js';
import { createRateOfChange } from './rate-of-change.js';
import { createScale } from './scale.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

describe('scale', () => {
  it('applies factor/offset and raw→EU maps per tag, leaves unscaled tags and NaN alone', () => {
    const f = siteFixture([
      { id: 'a', scale: { factor: 0.1, offset: -5 } },
      { id: 'b', scale: { rawLow: 4000, rawHigh: 20000, euLow: 0, euHigh: 100 } }, // 4–20 mA in µA → %
      { id: 'c' },
    ]);
    const out = createScale(contextFor(f)).process(batch([
      [0, T0, 100], [1, T0, 4000], [1, T0, 12000], [1, T0, 20000], [2, T0, 7], [0, T0, Number.NaN, 0],
    ]));
    expect(rows(out).map((r) => r[2])).toEqual([5, 0, 50, 100, 7, Number.NaN]);
  });
});

describe('range', () => {
  const f = siteFixture([
    { id: 'flag', range: { low: 0, high: 10 } },
    { id: 'clamp', range: { low: 0, high: 10, action: 'clamp' } },
    { id: 'drop', range: { low: 0, high: 10, action: 'drop' } },
  ]);
  const input = batch([
    [0, T0, -1], [0, T0 + 1, 10], [0, T0 + 2, 11],
    [1, T0, -1], [1, T0 + 1, 5], [1, T0 + 2, 11],
    [2, T0, -1], [2, T0 + 1, 0], [2, T0 + 2, 11],
  ]);

  it('flags, clamps (and flags) or drops out-of-range values; bounds are inside', () => {
    const ctx = contextFor(f);
    const E = Quality.UncertainEuExceeded, G = Quality.Good;
    expect(rows(createRange(ctx).process(input))).toEqual([
      [0, T0, -1, E], [0, T0 + 1, 10, G], [0, T0 + 2, 11, E],
      [1, T0, 0, E], [1, T0 + 1, 5, G], [1, T0 + 2, 10, E],
      [2, T0 + 1, 0, G],
    ]);
    const s = ctx.stats.snapshot();
    expect(s.flagged).toEqual({ out_of_range: 2, clamped: 2 });
    expect(s.dropped).toEqual({ out_of_range: 2 });
  });

  it('keeps a worse quality the source already set', () => {
    const out = createRange(contextFor(f)).process(batch([[0, T0, 20, Quality.BadDeviceFailure]]));
    expect(rows(out)[0]![3]).toBe(Quality.BadDeviceFailure);
  });
});

describe('rate-of-change', () => {
  it('flags a spike once against the last plausible sample; other tags unaffected', () => {
    const f = siteFixture([{ id: 'a', rateOfChange: { maxPerSecond: 2 } }, { id: 'b' }]);
    const ctx = contextFor(f);
    const out = createRateOfChange(ctx).process(batch([
      [0, T0, 10],
      [0, T0 + 1000, 12], // 2/s: the limit itself passes
      [0, T0 + 2000, 30], // 18/s: spike
      [0, T0 + 3000, 13], // 0.5/s against 12 at T0+1s: fine
      [1, T0 + 3000, 1e9],
    ]));
    expect(rows(out).map((r) => r[3])).toEqual([192, 192, Quality.UncertainSubNormal, 192, 192]);
    expect(ctx.stats.snapshot().flagged).toEqual({ rate_of_change: 1 });
  });

  it('drops, and a real step passes once enough time has gone by', () => {
    const f = siteFixture([{ id: 'a', rateOfChange: { maxPerSecond: 1, action: 'drop' } }]);
    const ctx = contextFor(f);
    const out = createRateOfChange(ctx).process(batch([
      [0, T0, 0], [0, T0 + 1000, 5], [0, T0 + 2000, 5], [0, T0 + 5000, 5],
    ]));
    // 5 in 1 s and 5 in 2 s are too fast; 5 in 5 s is exactly 1/s.
    expect(rows(out).map((r) => r[1] - T0)).toEqual([0, 5000]);
    expect(ctx.stats.snapshot().dropped).toEqual({ rate_of_change: 2 });
  });
});
