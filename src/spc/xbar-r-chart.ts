import { snapZero, type ChartFlag, type ChartPoint, type ChartResult, type LimitOptions, type MaybeNumber } from './chart-result.js';
import { chartConstants } from './constants.js';
import { baselineOf, summarizeSubgroups, type SubgroupStats } from './subgroup-stats.js';

/** The most frequent subgroup size (ties to the larger): the size the chart-level limits are drawn for. */
export function nominalSize(stats: readonly SubgroupStats[]): number {
  const counts = new Map<number, number>();
  for (const s of stats) counts.set(s.n, (counts.get(s.n) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [n, c] of counts) if (c > bestCount || (c === bestCount && n > best)) [best, bestCount] = [n, c];
  return best;
}

/** Grand mean weighted by subgroup size (equals the mean of means for equal sizes). */
export function grandMean(stats: readonly SubgroupStats[]): number {
  let s = 0;
  let n = 0;
  for (const g of stats) {
    s += g.mean * g.n;
    n += g.n;
  }
  return s / n;
}

/**
 * Builds the X̄ chart of a subgrouped study once sigma is known; shared by X̄-R and X̄-S.
 * Per-point limits appear only for subgroups whose size differs from the nominal one.
 */
export function xbarPoints(stats: readonly SubgroupStats[], center: number, sigma: number, L: number, nominal: number): ChartPoint[] {
  return stats.map((g) => {
    const s = sigma / Math.sqrt(g.n);
    const p: ChartPoint = { index: g.index, value: g.mean, sigma: s };
    if (g.n !== nominal) {
      p.ucl = center + L * s;
      p.lcl = center - L * s;
    }
    return p;
  });
}

/**
 * X̄-R chart (Montgomery §6.2). sigma = R̄/d2 for equal subgroup sizes; for
 * unequal sizes the Minitab-weighted mean of Rᵢ/d2(nᵢ) with weights d2²/d3².
 * Missing values are dropped from their subgroup; a subgroup left with fewer
 * than 2 values is not plotted.
 * @throws SpcError SPC_INSUFFICIENT_DATA with fewer than 2 usable subgroups; SPC_SUBGROUP_SIZE_OUT_OF_RANGE above 25.
 */
export function xbarRChart(subgroups: readonly (readonly MaybeNumber[])[], options: LimitOptions = {}): ChartResult {
  const L = options.L ?? 3;
  const { stats, skipped } = summarizeSubgroups(subgroups);
  const base = baselineOf(stats, options.baselineCount, 'an X̄-R chart');
  const nominal = nominalSize(base);
  const center = options.center ?? grandMean(base);
  let sigma = options.sigma;
  if (sigma === undefined) {
    let num = 0;
    let den = 0;
    for (const g of base) {
      const k = chartConstants(g.n);
      const f = (k.d2 * k.d2) / (k.d3 * k.d3);
      num += (f * g.range) / k.d2;
      den += f;
    }
    sigma = snapZero(num / den, center);
  }
  const flags: ChartFlag[] = [];
  if (sigma === 0) flags.push('zero-variance');
  if (stats.some((g) => g.n !== nominal)) flags.push('variable-limits');
  const k = chartConstants(nominal);
  const sx = sigma / Math.sqrt(nominal);
  const rPoints = stats.map((g): ChartPoint => {
    const kg = chartConstants(g.n);
    const p: ChartPoint = { index: g.index, value: g.range, sigma: kg.d3 * sigma };
    if (g.n !== nominal) {
      p.ucl = kg.d2 * sigma + L * kg.d3 * sigma;
      p.lcl = Math.max(0, kg.d2 * sigma - L * kg.d3 * sigma);
    }
    return p;
  });
  return {
    chart: 'xbar-r',
    center,
    ucl: center + L * sx,
    lcl: center - L * sx,
    sigma,
    points: xbarPoints(stats, center, sigma, L, nominal),
    secondary: {
      kind: 'R',
      center: k.d2 * sigma,
      ucl: k.d2 * sigma + L * k.d3 * sigma,
      lcl: Math.max(0, k.d2 * sigma - L * k.d3 * sigma),
      points: rPoints,
    },
    skipped,
    flags,
  };
}
