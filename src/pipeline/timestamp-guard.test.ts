import { describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { createTimestampGuard } from './timestamp-guard.js';
import { T0, batch, contextFor, rows, siteFixture } from './test-fixture.js';

describe('timestamp-guard', () => {
  const f = siteFixture([{ id: 'a' }, { id: 'b', type: 'string' }], { pipeline: { futureTolerance: '1m' } });

  it('rejects NaN/Infinity, pre-2000 and too-far-future timestamps, counting each reason', () => {
    const ctx = contextFor(f);
    const guard = createTimestampGuard(ctx);
    const out = guard.process(batch([
      [0, T0, 1],
      [0, Number.NaN, 2],
      [0, Number.POSITIVE_INFINITY, 3],
      [0, Date.UTC(1999, 11, 31, 23, 59, 59), 4],
      [0, Date.UTC(2000, 0, 1), 5],
      [0, T0 + 60_000, 6], // exactly at the tolerance: kept
      [0, T0 + 60_001, 7],
    ]));
    expect(rows(out).map((r) => r[2])).toEqual([1, 5, 6]);
    const s = ctx.stats.snapshot();
    expect(s.dropped).toEqual({ invalid_ts: 2, before_2000: 1, future: 1 });
    expect([s.in, s.out]).toEqual([7, 3]);
  });

  it('keeps non-finite numbers as NaN with BadSensorFailure, leaves bad codes and text alone', () => {
    const ctx = contextFor(f);
    const input = batch([
      [0, T0, Number.NaN],
      [0, T0 + 1, Number.POSITIVE_INFINITY],
      [0, T0 + 2, Number.NEGATIVE_INFINITY, Quality.BadCommFailure],
      [1, T0 + 3, 'running'],
      [0, T0 + 4, 1.5],
    ]);
    const out = createTimestampGuard(ctx).process(input);
    expect(rows(out)).toEqual([
      [0, T0, Number.NaN, Quality.BadSensorFailure],
      [0, T0 + 1, Number.NaN, Quality.BadSensorFailure],
      [0, T0 + 2, Number.NaN, Quality.BadCommFailure],
      [1, T0 + 3, 'running', Quality.Good],
      [0, T0 + 4, 1.5, Quality.Good],
    ]);
    expect(ctx.stats.snapshot().flagged).toEqual({ non_finite_value: 3 });
    expect(input.value[1]).toBe(Number.POSITIVE_INFINITY); // input batch untouched
  });
});
