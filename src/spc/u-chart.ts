import type { ChartFlag, ChartPoint, ChartResult, LimitOptions, MaybeNumber } from './chart-result.js';
import { countPoints, pooledRate } from './attribute-input.js';

/**
 * u chart, nonconformities per unit with variable sample size (Montgomery §7.3.2):
 * ū = Σc/Σn, limits ū ± L·√(ū/nᵢ) per point, LCL floored at 0. `options.center` is a known u.
 */
export function uChart(counts: readonly MaybeNumber[], units: number | readonly MaybeNumber[], options: Omit<LimitOptions, 'sigma'> = {}): ChartResult {
  const L = options.L ?? 3;
  const { points, skipped } = countPoints(counts, units, 'u chart', false);
  const pooled = pooledRate(points, options.baselineCount);
  const u = options.center ?? pooled.rate;
  const variable = points.some((q) => q.size !== points[0]!.size);
  const refSize = variable ? pooled.meanSize : points[0]!.size;
  const sd = (n: number) => Math.sqrt(u / n);
  const flags: ChartFlag[] = [];
  if (u === 0) flags.push('zero-variance');
  if (variable) flags.push('variable-limits');
  return {
    chart: 'u',
    center: u,
    ucl: u + L * sd(refSize),
    lcl: Math.max(0, u - L * sd(refSize)),
    sigma: sd(refSize),
    points: points.map((q): ChartPoint => {
      const s = sd(q.size);
      const pt: ChartPoint = { index: q.index, value: q.count / q.size, sigma: s };
      if (variable) {
        pt.ucl = u + L * s;
        pt.lcl = Math.max(0, u - L * s);
      }
      return pt;
    }),
    skipped,
    flags,
  };
}
