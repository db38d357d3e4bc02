import { describe, expect, it } from 'vitest';
import { liveTrend } from './live-trend.js';
import { align, bucketFor, RAW_SPAN_MS } from './trend-data.js';

describe('trend data', () => {
  it('picks rollup buckets that keep a range near 1,500 points', () => {
    expect(bucketFor(RAW_SPAN_MS)).toBe(1);
    expect(bucketFor(24 * 3_600_000)).toBe(1);
    expect(bucketFor(7 * 86_400_000)).toBe(10);
    expect(bucketFor(30 * 86_400_000)).toBe(30);
    expect(bucketFor(3650 * 86_400_000)).toBe(1440);
  });

  it('aligns tags on one time axis with gaps as null, and carries min/max for bands', () => {
    const rows = [
      ['a', 1000, 1, 0.5, 1.5],
      ['b', 2000, 20, 19, 21],
      ['a', 3000, 3, 2, 4],
      ['x', 3000, 99, 99, 99],
    ];
    const d = align(['a', 'b'], rows, true);
    expect(d.x).toEqual([1, 2, 3]);
    expect(d.series[0]).toEqual({ tag: 'a', avg: [1, null, 3], min: [0.5, null, 2], max: [1.5, null, 4] });
    expect(d.series[1]).toEqual({ tag: 'b', avg: [null, 20, null], min: [null, 19, null], max: [null, 21, null] });
  });

  it('cuts the live window from each tag’s history', () => {
    const d = liveTrend(['a', 'b'], [{ t: [1000, 2000, 3000], v: [1, 2, 3] }, { t: [2500], v: [7] }], 2000);
    expect(d.x).toEqual([2, 2.5, 3]);
    expect(d.series.map((s) => s.avg)).toEqual([[2, null, 3], [null, 7, null]]);
  });
});
