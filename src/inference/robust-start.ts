/** σ of a normal variable = 1.4826 × its median absolute deviation. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Median and MAD-based scale of the warm-up samples: the starting baseline
 * of a detector. Robust to the transients a warm-up usually contains (a
 * start-up, a load change), which an average would smear into a wide scale.
 */
export function robustStart(values: Float64Array): { center: number; scale: number } {
  const sorted = Float64Array.from(values).sort();
  const center = median(sorted);
  const dev = sorted.map((v) => Math.abs(v - center)).sort();
  let scale = MAD_TO_SIGMA * median(dev);
  // Quantised or mostly flat data can have MAD 0: fall back to the mean absolute deviation.
  if (!(scale > 0)) scale = (dev.reduce((a, b) => a + b, 0) / Math.max(1, dev.length)) * Math.sqrt(Math.PI / 2);
  return { center, scale };
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}
