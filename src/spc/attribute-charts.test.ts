import { describe, expect, it } from 'vitest';
import { cChart } from './c-chart.js';
import { SpcError } from './errors.js';
import { npChart } from './np-chart.js';
import { pChart } from './p-chart.js';
import {
  CIRCUIT_BOARDS,
  DYED_CLOTH_COUNTS,
  DYED_CLOTH_UNITS,
  ORANGE_JUICE_DEFECTIVES,
  PC_NONCONFORMITIES,
  printedUnits,
  toSig,
} from './published-examples.js';
import { uChart } from './u-chart.js';

describe('p chart — Montgomery Example 7.1, orange juice cans (30 samples of n = 50)', () => {
  const c = pChart(ORANGE_JUICE_DEFECTIVES, 50);
  it('p̄ = 0.2313, UCL 0.4102, LCL 0.0524', () => {
    expect(toSig(c.center)).toBe(0.2313);
    expect(toSig(c.ucl)).toBe(0.4102);
    expect(toSig(c.lcl, 3)).toBe(0.0524); // 0.052429…
  });
  it('samples 15 and 23 plot above the UCL (Montgomery: assignable causes found)', () => {
    expect(c.points.filter((p) => p.value > c.ucl).map((p) => p.index + 1)).toEqual([15, 23]);
  });
  it('variable sample sizes give per-point limits', () => {
    const v = pChart([5, 10, 3], [50, 100, 40]);
    expect(v.flags).toContain('variable-limits');
    const pBar = 18 / 190;
    expect(v.points[1]!.ucl).toBeCloseTo(pBar + 3 * Math.sqrt((pBar * (1 - pBar)) / 100), 12);
    expect(v.points[2]!.lcl).toBe(0);
  });
  it('rejects counts above the sample size and mismatched lengths', () => {
    expect(() => pChart([60], 50)).toThrowError(SpcError);
    expect(() => pChart([1, 2], [50])).toThrowError(/sample sizes/);
  });
});

describe('np chart — same orange juice data', () => {
  it('limits are n × the p-chart limits: 50 × (0.2313, 0.4102, 0.05243) = 11.57, 20.51, 2.621', () => {
    const c = npChart(ORANGE_JUICE_DEFECTIVES, 50);
    const p = pChart(ORANGE_JUICE_DEFECTIVES, 50);
    expect(toSig(c.center)).toBe(11.57);
    expect(toSig(c.ucl)).toBe(20.51);
    expect(toSig(c.lcl)).toBe(2.621);
    expect(c.ucl).toBeCloseTo(50 * p.ucl, 10);
  });
});

describe('c chart — Montgomery Example 7.3, circuit boards (26 samples)', () => {
  const c = cChart(CIRCUIT_BOARDS);
  it('c̄ = 19.85, UCL 33.22, LCL 6.48; samples 6 and 20 out of control', () => {
    expect(toSig(c.center)).toBe(19.85);
    // Montgomery rounds c̄ to 19.85 before 3√c̄ and prints 33.22 / 6.48; exact c̄ = 516/26 gives 33.211 / 6.481.
    expect(printedUnits(c.ucl, 33.22, 2)).toBeLessThanOrEqual(1);
    expect(printedUnits(c.lcl, 6.48, 2)).toBeLessThanOrEqual(1);
    expect(c.points.filter((p) => p.value > c.ucl || p.value < c.lcl).map((p) => p.index + 1)).toEqual([6, 20]);
  });
});

describe('u chart — Montgomery Example 7.4 (personal computers, n = 5) and 7.5 (dyed cloth, variable units)', () => {
  it('ū = 1.93, UCL 3.79, LCL 0.07', () => {
    const c = uChart(PC_NONCONFORMITIES, 5);
    expect(c.center).toBeCloseTo(1.93, 12);
    expect(toSig(c.ucl, 3)).toBe(3.79);
    expect(toSig(c.lcl, 1)).toBe(0.07);
  });
  it('variable units: ū = 153/107.5 = 1.42, per-point limits (n = 10: 2.55 / 0.29)', () => {
    const c = uChart(DYED_CLOTH_COUNTS, DYED_CLOTH_UNITS);
    expect(toSig(c.center, 3)).toBe(1.42);
    const p = c.points[0]!;
    // printed from ū rounded to 1.42: 2.55; exact ū = 1.4233 gives 2.555
    expect(printedUnits(p.ucl!, 2.55, 2)).toBeLessThanOrEqual(1);
    expect(toSig(p.lcl!, 2)).toBe(0.29);
    expect(c.points.every((q) => q.value < q.ucl! && q.value > q.lcl!)).toBe(true);
  });
});

describe('attribute charts never put NaN on a chart', () => {
  it('zero defects: p̄ = 0, limits collapse to 0 and are flagged', () => {
    const c = pChart([0, 0, 0], 20);
    expect(c.flags).toContain('zero-variance');
    expect(JSON.stringify(c)).not.toMatch(/NaN|Infinity|null/);
  });
  it('missing counts are skipped and counted', () => {
    const c = cChart([3, null, 4, Number.NaN]);
    expect(c.skipped).toBe(2);
    expect(c.points.map((p) => p.index)).toEqual([0, 2]);
  });
});
