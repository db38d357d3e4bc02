import type { ChartFlag, ChartResult, LimitOptions, MaybeNumber } from './chart-result.js';
import { countPoints, pooledRate } from './attribute-input.js';

/**
 * c chart, nonconformities per constant inspection unit (Montgomery §7.3.1):
 * c̄ ± L·√c̄, LCL floored at 0. `options.center` is a known c.
 */
export function cChart(counts: readonly MaybeNumber[], options: Omit<LimitOptions, 'sigma'> = {}): ChartResult {
  const L = options.L ?? 3;
  const { points, skipped } = countPoints(counts, 1, 'c chart', false);
  const c = options.center ?? pooledRate(points, options.baselineCount).rate;
  const sigma = Math.sqrt(c);
  const flags: ChartFlag[] = sigma === 0 ? ['zero-variance'] : [];
  return {
    chart: 'c',
    center: c,
    ucl: c + L * sigma,
    lcl: Math.max(0, c - L * sigma),
    sigma,
    points: points.map((q) => ({ index: q.index, value: q.count, sigma })),
    skipped,
    flags,
  };
}
