import { isPresent, type MaybeNumber } from './chart-result.js';
import { estimateFromIndividuals, requireParameter } from './process-estimate.js';

/** Parameters of a tabular CUSUM; k and h are in sigmas of the plotted statistic. */
export interface CusumOptions {
  /** Reference value (allowance), usually 0.5 (half the shift to detect). */
  k: number;
  /** Decision interval, usually 4 or 5. */
  h: number;
  /** Target mean μ₀; estimated as x̄ when absent. */
  target?: number;
  /** Sigma of individual values; estimated as MR̄/d2 when absent. */
  sigma?: number;
  /** Size of the subgroups whose means are plotted; 1 for individuals. */
  n?: number;
  baselineCount?: number;
}

/** One step of the tabular CUSUM. */
export interface CusumPoint {
  index: number;
  /** The observation (or subgroup mean). */
  value: number;
  /** Upper cumulative sum C⁺ (>= 0). */
  cPlus: number;
  /** Lower cumulative sum C⁻ (>= 0; plotted as −C⁻). */
  cMinus: number;
  /** Consecutive periods C⁺ has been non-zero: the shift began nPlus periods ago. */
  nPlus: number;
  nMinus: number;
  /** Which side exceeds H at this point, if any. */
  signal?: 'upper' | 'lower' | 'both';
}

/** Result of a tabular CUSUM. */
export interface CusumResult {
  chart: 'cusum';
  target: number;
  sigma: number;
  k: number;
  h: number;
  /** K = k·σx̄ and H = h·σx̄ in data units. */
  K: number;
  H: number;
  points: CusumPoint[];
  skipped: number;
  flags: ('zero-variance')[];
}

/**
 * Tabular CUSUM (Montgomery §9.1; NIST e-Handbook 6.3.2.3):
 * C⁺ᵢ = max(0, xᵢ − (μ₀ + K) + C⁺ᵢ₋₁), C⁻ᵢ = max(0, (μ₀ − K) − xᵢ + C⁻ᵢ₋₁), signal when > H.
 * @throws SpcError SPC_INVALID_PARAMETER for k < 0 or h <= 0.
 */
export function cusumChart(values: readonly MaybeNumber[], options: CusumOptions): CusumResult {
  const { k, h } = options;
  requireParameter(k >= 0 && Number.isFinite(k), `CUSUM k must be >= 0, got ${k}`);
  requireParameter(h > 0 && Number.isFinite(h), `CUSUM h must be > 0, got ${h}`);
  const n = options.n ?? 1;
  const est = options.target === undefined || options.sigma === undefined ? estimateFromIndividuals(values, options.baselineCount, 'a CUSUM chart') : undefined;
  const target = options.target ?? est!.center;
  const sigma = options.sigma ?? est!.sigma;
  const sx = sigma / Math.sqrt(n);
  const K = k * sx;
  const H = h * sx;
  const points: CusumPoint[] = [];
  let cp = 0;
  let cm = 0;
  let np = 0;
  let nm = 0;
  let skipped = 0;
  values.forEach((v, index) => {
    if (!isPresent(v)) {
      skipped++;
      return;
    }
    cp = Math.max(0, v - (target + K) + cp);
    cm = Math.max(0, target - K - v + cm);
    np = cp > 0 ? np + 1 : 0;
    nm = cm > 0 ? nm + 1 : 0;
    const p: CusumPoint = { index, value: v, cPlus: cp, cMinus: cm, nPlus: np, nMinus: nm };
    const up = cp > H;
    const down = cm > H;
    if (up || down) p.signal = up && down ? 'both' : up ? 'upper' : 'lower';
    points.push(p);
  });
  return { chart: 'cusum', target, sigma, k, h, K, H, points, skipped, flags: sigma === 0 ? ['zero-variance'] : [] };
}
