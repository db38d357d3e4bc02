import { isPresent, mean, snapZero, type ChartFlag, type ChartPoint, type ChartResult, type LimitOptions, type MaybeNumber } from './chart-result.js';
import { chartConstants } from './constants.js';
import { SpcError, SpcErrorCode } from './errors.js';

/**
 * Individuals and moving-range chart (Montgomery §6.4; NIST e-Handbook 6.3.2.2).
 * sigma = MR̄/d2 with moving ranges of span 2 (d2 = 1.128); X limits x̄ ± 3·sigma,
 * MR limits D3·MR̄ .. D4·MR̄. A missing value is skipped and the moving range is
 * taken between the neighbouring present values.
 * @throws SpcError SPC_INSUFFICIENT_DATA with fewer than 2 present values in the baseline.
 */
export function imrChart(values: readonly MaybeNumber[], options: LimitOptions = {}): ChartResult {
  const L = options.L ?? 3;
  const present: { index: number; value: number }[] = [];
  values.forEach((v, index) => {
    if (isPresent(v)) present.push({ index, value: v });
  });
  const skipped = values.length - present.length;
  const base = options.baselineCount === undefined ? present : present.slice(0, options.baselineCount);
  if (base.length < 2) {
    throw new SpcError(SpcErrorCode.InsufficientData, `an I-MR chart needs at least 2 values to estimate limits, got ${base.length}`);
  }
  const center = options.center ?? mean(base.map((p) => p.value));
  const { d2, d3 } = chartConstants(2);
  let mrSum = 0;
  for (let i = 1; i < base.length; i++) mrSum += Math.abs(base[i]!.value - base[i - 1]!.value);
  const mrBar = mrSum / (base.length - 1);
  const sigma = options.sigma ?? snapZero(mrBar / d2, center);
  const flags: ChartFlag[] = sigma === 0 ? ['zero-variance'] : [];
  const mrPoints: ChartPoint[] = [];
  for (let i = 1; i < present.length; i++) {
    mrPoints.push({ index: present[i]!.index, value: Math.abs(present[i]!.value - present[i - 1]!.value), sigma: d3 * sigma });
  }
  return {
    chart: 'imr',
    center,
    ucl: center + L * sigma,
    lcl: center - L * sigma,
    sigma,
    points: present.map((p) => ({ index: p.index, value: p.value, sigma })),
    secondary: {
      kind: 'MR',
      center: d2 * sigma,
      ucl: d2 * sigma + L * d3 * sigma,
      lcl: Math.max(0, d2 * sigma - L * d3 * sigma),
      points: mrPoints,
    },
    skipped,
    flags,
  };
}
