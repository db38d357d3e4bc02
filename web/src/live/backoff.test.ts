import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('reconnect backoff', () => {
  it('doubles from 0.5 s to a 10 s ceiling with ±20 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffDelay(n, 500, 10_000, mid))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(1, 500, 10_000, () => 0)).toBe(400);
    expect(backoffDelay(1, 500, 10_000, () => 0.999999)).toBe(600);
  });
});
