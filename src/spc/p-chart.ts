import type { ChartFlag, ChartPoint, ChartResult, LimitOptions, MaybeNumber } from './chart-result.js';
import { countPoints, pooledRate } from './attribute-input.js';

/**
 * p chart, fraction nonconforming (Montgomery §7.2): p̄ = Σd/Σn, limits
 * p̄ ± L·√(p̄(1 − p̄)/nᵢ) clipped to [0, 1], per point when sizes vary.
 * `options.center` is a known p; `options.sigma` is ignored (sigma follows from p).
 * @throws SpcError for mismatched lengths, counts above size, or no usable points.
 */
export function pChart(defectives: readonly MaybeNumber[], sizes: number | readonly MaybeNumber[], options: Omit<LimitOptions, 'sigma'> = {}): ChartResult {
  const L = options.L ?? 3;
  const { points, skipped } = countPoints(defectives, sizes, 'p chart', true);
  const pooled = pooledRate(points, options.baselineCount);
  const p = options.center ?? pooled.rate;
  const variable = points.some((q) => q.size !== points[0]!.size);
  const refSize = variable ? pooled.meanSize : points[0]!.size;
  const sd = (n: number) => Math.sqrt((p * (1 - p)) / n);
  const flags: ChartFlag[] = [];
  if (p === 0 || p === 1) flags.push('zero-variance');
  if (variable) flags.push('variable-limits');
  return {
    chart: 'p',
    center: p,
    ucl: Math.min(1, p + L * sd(refSize)),
    lcl: Math.max(0, p - L * sd(refSize)),
    sigma: sd(refSize),
    points: points.map((q): ChartPoint => {
      const s = sd(q.size);
      const pt: ChartPoint = { index: q.index, value: q.count / q.size, sigma: s };
      if (variable) {
        pt.ucl = Math.min(1, p + L * s);
        pt.lcl = Math.max(0, p - L * s);
      }
      return pt;
    }),
    skipped,
    flags,
  };
}
