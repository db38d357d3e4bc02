/** Chart kinds, as named in the characteristic config. */
export type ChartKind = 'xbar-r' | 'xbar-s' | 'imr' | 'ewma' | 'cusum' | 'p' | 'np' | 'c' | 'u';

/** One plotted point; `ucl`/`lcl` are present only where limits vary by point (p, u, unequal subgroups, EWMA). */
export interface ChartPoint {
  /** Position in the input (subgroup number or sample number, 0-based), gaps kept. */
  index: number;
  value: number;
  ucl?: number;
  lcl?: number;
  /** Standard deviation of this plotted statistic; zone rules are evaluated against it. */
  sigma: number;
}

/** The companion dispersion chart of X̄-R, X̄-S and I-MR. */
export interface SecondaryChart {
  kind: 'R' | 'S' | 'MR';
  center: number;
  ucl: number;
  lcl: number;
  points: ChartPoint[];
}

/** States a chart can be in that a quality engineer must see rather than guess from numbers. */
export type ChartFlag = 'zero-variance' | 'variable-limits';

/** Result of a batch chart computation. No field is ever NaN or ±Infinity. */
export interface ChartResult {
  chart: ChartKind;
  center: number;
  ucl: number;
  lcl: number;
  /** Process sigma estimate (of individual values for variable charts; of the proportion/count at the mean size for attribute charts). */
  sigma: number;
  points: ChartPoint[];
  secondary?: SecondaryChart;
  /** Missing (NaN/null/undefined/±Infinity) values skipped. */
  skipped: number;
  flags: ChartFlag[];
}

/** Options shared by the Shewhart charts: phase I estimation or known (phase II) parameters. */
export interface LimitOptions {
  /** Estimate the limits from the first N points (subgroups) only; all points are plotted. */
  baselineCount?: number;
  /** Known centre line (overrides the estimate). */
  center?: number;
  /** Known process sigma of individual values (overrides the estimate). */
  sigma?: number;
  /** Width of the limits in sigmas; 3 unless told. */
  L?: number;
}

/** A value the engine accepts as a measurement: null/undefined/NaN are missing. */
export type MaybeNumber = number | null | undefined;

/** True for a finite number; everything else is a missing value. */
export function isPresent(v: MaybeNumber): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Mean of a non-empty array. */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleStdDev(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (n - 1));
}

/**
 * Differences below this fraction of the data's magnitude are floating-point
 * noise, not variation: constant data must give sigma exactly 0, never 1e-17.
 */
export function snapZero(sigma: number, scale: number): number {
  return sigma <= Math.abs(scale) * 1e-12 ? 0 : sigma;
}
