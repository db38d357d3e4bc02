import { isPresent, type MaybeNumber } from './chart-result.js';
import { SpcError, SpcErrorCode } from './errors.js';

/** A count with its sample size (inspected units or area of opportunity), after missing values are removed. */
export interface CountPoint {
  index: number;
  count: number;
  size: number;
}

/** Pair counts with sizes; a missing count or size skips the point, an impossible one throws. */
export function countPoints(
  counts: readonly MaybeNumber[],
  sizes: number | readonly MaybeNumber[],
  what: string,
  countCannotExceedSize: boolean,
): { points: CountPoint[]; skipped: number } {
  if (typeof sizes !== 'number' && sizes.length !== counts.length) {
    throw new SpcError(SpcErrorCode.LengthMismatch, `${what}: ${counts.length} counts but ${sizes.length} sample sizes; give one size per count or a single constant size`);
  }
  const points: CountPoint[] = [];
  let skipped = 0;
  counts.forEach((c, index) => {
    const size = typeof sizes === 'number' ? sizes : sizes[index];
    if (!isPresent(c) || !isPresent(size)) {
      skipped++;
      return;
    }
    if (c < 0 || size <= 0 || (countCannotExceedSize && c > size)) {
      throw new SpcError(SpcErrorCode.InvalidParameter, `${what}: point ${index} has count ${c} and size ${size}; counts must be >= 0${countCannotExceedSize ? ' and <= size' : ''}, sizes > 0`);
    }
    points.push({ index, count: c, size });
  });
  if (points.length === 0) throw new SpcError(SpcErrorCode.InsufficientData, `${what} has no usable points`);
  return { points, skipped };
}

/** Sum of counts over sum of sizes for the baseline points. */
export function pooledRate(points: readonly CountPoint[], baselineCount: number | undefined): { rate: number; meanSize: number } {
  const base = baselineCount === undefined ? points : points.slice(0, baselineCount);
  let c = 0;
  let n = 0;
  for (const p of base) {
    c += p.count;
    n += p.size;
  }
  return { rate: c / n, meanSize: n / base.length };
}
