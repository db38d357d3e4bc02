/**
 * Exponential backoff with jitter: after the n-th failure in a row, a delay
 * between half and all of min·2^(n-1), capped at max, so that many sites
 * coming back after a hub outage do not all knock at once.
 */
export function retryDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return ceiling / 2 + (random() * ceiling) / 2;
}
