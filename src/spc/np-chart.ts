import type { ChartFlag, ChartResult, LimitOptions, MaybeNumber } from './chart-result.js';
import { countPoints, pooledRate } from './attribute-input.js';
import { requireParameter } from './process-estimate.js';

/**
 * np chart, number nonconforming for a constant sample size n (Montgomery §7.2.1):
 * centre n·p̄, limits n·p̄ ± L·√(n·p̄(1 − p̄)), LCL floored at 0.
 * `options.center` is a known p (fraction), not n·p.
 * @throws SpcError SPC_INVALID_PARAMETER when n is not a positive integer.
 */
export function npChart(defectives: readonly MaybeNumber[], n: number, options: Omit<LimitOptions, 'sigma'> = {}): ChartResult {
  requireParameter(Number.isInteger(n) && n > 0, `an np chart needs one constant positive integer sample size, got ${n}; use a p chart for varying sizes`);
  const L = options.L ?? 3;
  const { points, skipped } = countPoints(defectives, n, 'np chart', true);
  const p = options.center ?? pooledRate(points, options.baselineCount).rate;
  const center = n * p;
  const sigma = Math.sqrt(n * p * (1 - p));
  const flags: ChartFlag[] = sigma === 0 ? ['zero-variance'] : [];
  return {
    chart: 'np',
    center,
    ucl: Math.min(n, center + L * sigma),
    lcl: Math.max(0, center - L * sigma),
    sigma,
    points: points.map((q) => ({ index: q.index, value: q.count, sigma })),
    skipped,
    flags,
  };
}
