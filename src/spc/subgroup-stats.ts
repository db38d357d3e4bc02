import { isPresent, mean, type MaybeNumber } from './chart-result.js';
import { SpcError, SpcErrorCode } from './errors.js';

/** Summary of one subgroup after missing values are removed. */
export interface SubgroupStats {
  index: number;
  n: number;
  mean: number;
  range: number;
  stdDev: number;
}

/** Reduce raw subgroups to statistics; subgroups with fewer than 2 valid values are dropped (counted in `skipped`). */
export function summarizeSubgroups(subgroups: readonly (readonly MaybeNumber[])[]): {
  stats: SubgroupStats[];
  skipped: number;
} {
  const stats: SubgroupStats[] = [];
  let skipped = 0;
  subgroups.forEach((raw, index) => {
    const values = raw.filter(isPresent);
    skipped += raw.length - values.length;
    if (values.length < 2) return;
    if (values.length > 25) {
      throw new SpcError(SpcErrorCode.SubgroupSizeOutOfRange, `subgroup ${index} has ${values.length} values; subgroups hold 2..25 values`);
    }
    const m = mean(values);
    let ss = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      ss += (v - m) * (v - m);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    stats.push({ index, n: values.length, mean: m, range: hi - lo, stdDev: Math.sqrt(ss / (values.length - 1)) });
  });
  return { stats, skipped };
}

/** The subgroups that estimate the limits: the first `baselineCount` (phase I) or all. */
export function baselineOf<T>(items: readonly T[], baselineCount: number | undefined, what: string): readonly T[] {
  const base = baselineCount === undefined ? items : items.slice(0, baselineCount);
  if (base.length < 2) {
    throw new SpcError(SpcErrorCode.InsufficientData, `${what} needs at least 2 valid points to estimate limits, got ${base.length}`);
  }
  return base;
}
