import { isPresent, type ChartFlag, type ChartPoint, type ChartResult, type MaybeNumber } from './chart-result.js';
import { estimateFromIndividuals, requireParameter } from './process-estimate.js';

/** Parameters of an EWMA chart. */
export interface EwmaOptions {
  /** Weight of the newest value, 0 < λ <= 1. */
  lambda: number;
  /** Limit width in sigmas of the EWMA statistic. */
  L: number;
  /** Target / in-control mean (EWMA₀); estimated as x̄ when absent. */
  target?: number;
  /** Sigma of individual values; estimated as MR̄/d2 when absent. */
  sigma?: number;
  /** Size of the subgroups whose means are plotted; 1 for individuals. */
  n?: number;
  baselineCount?: number;
}

/**
 * EWMA chart (Montgomery §9.2; NIST e-Handbook 6.3.2.4): zᵢ = λxᵢ + (1 − λ)zᵢ₋₁,
 * z₀ = target, with the exact time-varying limits
 * target ± L·σ/√n·√(λ/(2 − λ)·(1 − (1 − λ)^(2i))) on each point; the chart-level
 * `ucl`/`lcl` are the asymptotic ones. Missing values are skipped (z carries over).
 * @throws SpcError SPC_INVALID_PARAMETER for λ outside (0, 1] or L <= 0.
 */
export function ewmaChart(values: readonly MaybeNumber[], options: EwmaOptions): ChartResult {
  const { lambda, L } = options;
  requireParameter(lambda > 0 && lambda <= 1, `EWMA lambda must be in (0, 1], got ${lambda}`);
  requireParameter(L > 0, `EWMA L must be positive, got ${L}`);
  const n = options.n ?? 1;
  requireParameter(Number.isInteger(n) && n >= 1, `EWMA subgroup size must be a positive integer, got ${n}`);
  const est = options.target === undefined || options.sigma === undefined ? estimateFromIndividuals(values, options.baselineCount, 'an EWMA chart') : undefined;
  const target = options.target ?? est!.center;
  const sigma = options.sigma ?? est!.sigma;
  const sx = sigma / Math.sqrt(n);
  const ratio = lambda / (2 - lambda);
  const points: ChartPoint[] = [];
  let z = target;
  let decay = 1; // (1 − λ)^(2i)
  let skipped = 0;
  values.forEach((v, index) => {
    if (!isPresent(v)) {
      skipped++;
      return;
    }
    z = lambda * v + (1 - lambda) * z;
    decay *= (1 - lambda) * (1 - lambda);
    const s = sx * Math.sqrt(ratio * (1 - decay));
    points.push({ index, value: z, ucl: target + L * s, lcl: target - L * s, sigma: s });
  });
  const sInf = sx * Math.sqrt(ratio);
  const flags: ChartFlag[] = sigma === 0 ? ['zero-variance', 'variable-limits'] : ['variable-limits'];
  return { chart: 'ewma', center: target, ucl: target + L * sInf, lcl: target - L * sInf, sigma, points, skipped, flags };
}
