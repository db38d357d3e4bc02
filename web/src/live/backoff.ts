/** Delay before reconnect attempt `attempt` (1-based): doubling from `baseMs` up to `maxMs`, ±20 % jitter so many panels do not reconnect in step. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 10_000, random: () => number = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
