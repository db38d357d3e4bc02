import { snapZero, type ChartFlag, type ChartPoint, type ChartResult, type LimitOptions, type MaybeNumber } from './chart-result.js';
import { chartConstants } from './constants.js';
import { baselineOf, summarizeSubgroups } from './subgroup-stats.js';
import { grandMean, nominalSize, xbarPoints } from './xbar-r-chart.js';

/**
 * X̄-S chart (Montgomery §6.3). sigma = S̄/c4 for equal subgroup sizes; for
 * unequal sizes the Minitab-weighted mean of Sᵢ/c4(nᵢ) with weights c4²/(1 − c4²).
 * @throws SpcError SPC_INSUFFICIENT_DATA with fewer than 2 usable subgroups; SPC_SUBGROUP_SIZE_OUT_OF_RANGE above 25.
 */
export function xbarSChart(subgroups: readonly (readonly MaybeNumber[])[], options: LimitOptions = {}): ChartResult {
  const L = options.L ?? 3;
  const { stats, skipped } = summarizeSubgroups(subgroups);
  const base = baselineOf(stats, options.baselineCount, 'an X̄-S chart');
  const nominal = nominalSize(base);
  const center = options.center ?? grandMean(base);
  let sigma = options.sigma;
  if (sigma === undefined) {
    let num = 0;
    let den = 0;
    for (const g of base) {
      const { c4 } = chartConstants(g.n);
      const h = (c4 * c4) / (1 - c4 * c4);
      num += (h * g.stdDev) / c4;
      den += h;
    }
    sigma = snapZero(num / den, center);
  }
  const flags: ChartFlag[] = [];
  if (sigma === 0) flags.push('zero-variance');
  if (stats.some((g) => g.n !== nominal)) flags.push('variable-limits');
  const sLimits = (n: number) => {
    const { c4 } = chartConstants(n);
    const spread = L * Math.sqrt(1 - c4 * c4) * sigma;
    return { center: c4 * sigma, ucl: c4 * sigma + spread, lcl: Math.max(0, c4 * sigma - spread), sd: spread / L };
  };
  const nom = sLimits(nominal);
  const sx = sigma / Math.sqrt(nominal);
  return {
    chart: 'xbar-s',
    center,
    ucl: center + L * sx,
    lcl: center - L * sx,
    sigma,
    points: xbarPoints(stats, center, sigma, L, nominal),
    secondary: {
      kind: 'S',
      center: nom.center,
      ucl: nom.ucl,
      lcl: nom.lcl,
      points: stats.map((g): ChartPoint => {
        const lim = sLimits(g.n);
        const p: ChartPoint = { index: g.index, value: g.stdDev, sigma: lim.sd };
        if (g.n !== nominal) {
          p.ucl = lim.ucl;
          p.lcl = lim.lcl;
        }
        return p;
      }),
    },
    skipped,
    flags,
  };
}
