import { isPresent, mean, sampleStdDev, snapZero, type MaybeNumber } from './chart-result.js';
import { normalCdf } from './normal-distribution.js';

/** Anderson–Darling test of normality with mean and variance estimated from the data. */
export interface AndersonDarlingResult {
  method: 'Anderson-Darling';
  n: number;
  /** A², present when the test could be computed. */
  aSquared?: number;
  /** A²* = A²(1 + 0.75/n + 2.25/n²). */
  aSquaredAdjusted?: number;
  pValue?: number;
  pValueMethod: "D'Agostino & Stephens (1986), Table 4.9, case 3";
  /** Why the statistic is absent (too few values, no variation). */
  reason?: string;
}

/** Smallest sample for which the D'Agostino–Stephens p-value approximation is used (as in R nortest::ad.test). */
export const AD_MIN_N = 8;

/** p-value of the adjusted statistic (D'Agostino & Stephens 1986, Goodness-of-Fit Techniques, Table 4.9). */
export function andersonDarlingPValue(aStar: number): number {
  let p: number;
  if (aStar < 0.2) p = 1 - Math.exp(-13.436 + 101.14 * aStar - 223.73 * aStar * aStar);
  else if (aStar < 0.34) p = 1 - Math.exp(-8.318 + 42.796 * aStar - 59.938 * aStar * aStar);
  else if (aStar < 0.6) p = Math.exp(0.9177 - 4.279 * aStar - 1.38 * aStar * aStar);
  // Past the vertex of the last parabola (A* ≈ 153) the fit turns upward; the true p is ~0 there.
  else if (aStar < 153) p = Math.exp(1.2937 - 5.709 * aStar + 0.0186 * aStar * aStar);
  else p = 0;
  return Math.min(1, Math.max(0, p));
}

/**
 * Anderson–Darling normality test (Stephens 1974; NIST e-Handbook §1.3.5.14):
 * A² = −n − (1/n)·Σ(2i − 1)[ln Φ(zᵢ) + ln(1 − Φ(zₙ₊₁₋ᵢ))], zᵢ standardised with
 * x̄ and s. Missing values are skipped. Never NaN: fewer than 8 values or
 * constant data give a result with `reason` and no statistic.
 */
export function andersonDarling(values: readonly MaybeNumber[]): AndersonDarlingResult {
  const xs = values.filter(isPresent).sort((a, b) => a - b);
  const n = xs.length;
  const base = { method: 'Anderson-Darling', n, pValueMethod: "D'Agostino & Stephens (1986), Table 4.9, case 3" } as const;
  if (n < AD_MIN_N) return { ...base, reason: `needs at least ${AD_MIN_N} values, got ${n}` };
  const m = mean(xs);
  const s = snapZero(sampleStdDev(xs), m);
  if (s === 0) return { ...base, reason: 'all values are equal: normality cannot be assessed' };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // ln(1 − Φ(z)) is taken as ln Φ(−z) so the upper tail keeps its precision; the
    // floor keeps a value 40σ out finite (its term is then huge, p = 0) instead of −Infinity.
    const lo = Math.max(normalCdf((xs[i]! - m) / s), Number.MIN_VALUE);
    const hi = Math.max(normalCdf(-(xs[n - 1 - i]! - m) / s), Number.MIN_VALUE);
    sum += (2 * i + 1) * (Math.log(lo) + Math.log(hi));
  }
  const aSquared = -n - sum / n;
  const aSquaredAdjusted = aSquared * (1 + 0.75 / n + 2.25 / (n * n));
  return { ...base, aSquared, aSquaredAdjusted, pValue: andersonDarlingPValue(aSquaredAdjusted) };
}
