import { isPresent, mean, snapZero, type MaybeNumber } from './chart-result.js';
import { chartConstants } from './constants.js';
import { SpcError, SpcErrorCode } from './errors.js';

/** Centre and sigma of a series of individual values (x̄ and MR̄/d2), for charts given no known parameters. */
export function estimateFromIndividuals(values: readonly MaybeNumber[], baselineCount: number | undefined, what: string): { center: number; sigma: number } {
  const present = values.filter(isPresent);
  const base = baselineCount === undefined ? present : present.slice(0, baselineCount);
  if (base.length < 2) {
    throw new SpcError(SpcErrorCode.InsufficientData, `${what} needs a known target and sigma or at least 2 values to estimate them, got ${base.length}`);
  }
  let mr = 0;
  for (let i = 1; i < base.length; i++) mr += Math.abs(base[i]! - base[i - 1]!);
  const center = mean(base);
  return { center, sigma: snapZero(mr / (base.length - 1) / chartConstants(2).d2, center) };
}

/** Rejects a parameter that would put NaN on a chart. */
export function requireParameter(ok: boolean, message: string): void {
  if (!ok) throw new SpcError(SpcErrorCode.InvalidParameter, message);
}
