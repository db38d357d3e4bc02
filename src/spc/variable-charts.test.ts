import { describe, expect, it } from 'vitest';
import { cusumChart } from './cusum-chart.js';
import { ewmaChart } from './ewma-chart.js';
import { imrChart } from './imr-chart.js';
import {
  MONTGOMERY_TABLE_9_1,
  NIST_CUSUM_DATA,
  NIST_CUSUM_S_HI,
  NIST_CUSUM_S_LO,
  NIST_EWMA_DATA,
  NIST_EWMA_PRINTED,
  NIST_FLOW_RATE,
  PISTON_RINGS,
  toSig,
} from './published-examples.js';
import { xbarRChart } from './xbar-r-chart.js';
import { xbarSChart } from './xbar-s-chart.js';

describe('X̄-R chart — Montgomery Example 6.1, piston rings (Table 6.3)', () => {
  const r = xbarRChart(PISTON_RINGS);
  it('reproduces the published X̄ limits: CL 74.001, UCL 74.014, LCL 73.988', () => {
    expect(toSig(r.center, 5)).toBe(74.001);
    expect(toSig(r.ucl, 5)).toBe(74.014);
    expect(toSig(r.lcl, 5)).toBe(73.988);
    expect(r.points).toHaveLength(25);
  });
  it('reproduces the R chart: R̄ = 0.023; UCL = D4·R̄', () => {
    const R = r.secondary!;
    expect(R.kind).toBe('R');
    expect(R.center).toBeCloseTo(0.02276, 5); // 0.569 / 25 from the table; printed 0.023
    expect(toSig(R.center, 2)).toBe(0.023);
    // Montgomery prints UCL = 2.114 × 0.023 = 0.049 (R̄ rounded first); unrounded D4·R̄ = 0.04812.
    expect(R.ucl).toBeCloseTo(2.114 * 0.02276, 4);
    expect(R.lcl).toBe(0);
    expect(r.points.every((p) => p.value < r.ucl && p.value > r.lcl)).toBe(true); // "in control" per Montgomery
  });
  it('uses R̄/d2 for sigma', () => {
    expect(r.sigma).toBeCloseTo(0.02276 / 2.326, 5);
  });
});

describe('X̄-S chart — Montgomery Example 6.3, same piston-ring data', () => {
  const s = xbarSChart(PISTON_RINGS);
  it('reproduces S̄ = 0.0094, X̄ limits 74.001 ± A3·S̄ (74.014 / 73.988), S limits B3·S̄ = 0, B4·S̄ = 0.0196', () => {
    expect(toSig(s.secondary!.center, 2)).toBe(0.0092); // S̄ = 0.00924 (the book prints 0.0094 from rounded sᵢ)
    expect(toSig(s.ucl, 5)).toBe(74.014);
    expect(toSig(s.lcl, 5)).toBe(73.988);
    expect(s.secondary!.lcl).toBe(0);
    expect(s.secondary!.ucl).toBeCloseTo(2.089 * 0.00924, 4);
  });
});

describe('I-MR chart — NIST/SEMATECH e-Handbook §6.3.2.2 flow-rate example', () => {
  const c = imrChart(NIST_FLOW_RATE);
  it('reproduces x̄ = 50.81, MR̄ = 1.8778, UCL 55.8041, LCL 45.8159 (NIST uses d2 = 1.128)', () => {
    expect(c.center).toBeCloseTo(50.81, 10);
    expect(c.secondary!.center).toBeCloseTo(1.8778, 4);
    expect(toSig(c.ucl)).toBe(toSig(55.8041));
    expect(toSig(c.lcl)).toBe(toSig(45.8159));
    expect(c.secondary!.ucl).toBeCloseTo(3.267 * 1.8778, 2);
    expect(c.secondary!.points.map((p) => Number(p.value.toFixed(1)))).toEqual([2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5]);
  });
  it('skips missing values and counts them, moving range bridges the gap', () => {
    const m = imrChart([1, null, 3, Number.NaN, 2, undefined]);
    expect(m.skipped).toBe(3);
    expect(m.points.map((p) => p.index)).toEqual([0, 2, 4]);
    expect(m.secondary!.points.map((p) => p.value)).toEqual([2, 1]);
  });
  it('constant data: limits equal the centre, flagged, never NaN', () => {
    const m = imrChart([5, 5, 5, 5]);
    expect(m.sigma).toBe(0);
    expect(m.ucl).toBe(5);
    expect(m.lcl).toBe(5);
    expect(m.flags).toContain('zero-variance');
    expect(JSON.stringify(m)).not.toMatch(/null|NaN|Infinity/);
  });
});

describe('EWMA — NIST/SEMATECH e-Handbook §6.3.2.4', () => {
  const c = ewmaChart(NIST_EWMA_DATA, { lambda: 0.3, L: 3, target: 50, sigma: 2.0539 });
  it('reproduces the printed EWMA series and the asymptotic limits 52.5884 / 47.4115', () => {
    expect(c.points.map((p) => Number(p.value.toFixed(2)))).toEqual(NIST_EWMA_PRINTED);
    expect(toSig(c.ucl, 5)).toBe(52.588);
    expect(toSig(c.lcl, 5)).toBe(47.412); // NIST prints 47.4115 from sqrt(0.3/1.7) rounded to 0.4201
    expect(c.points.every((p) => p.value < p.ucl! && p.value > p.lcl!)).toBe(true); // NIST: no point out of control
  });
  it('uses the exact time-varying variance factor λ/(2−λ)·(1 − (1−λ)^(2i))', () => {
    const first = c.points[0]!;
    expect(first.ucl! - 50).toBeCloseTo(3 * 2.0539 * 0.3, 10); // at i = 1 the factor is exactly λ²
  });
});

describe('EWMA — Montgomery Example 9.2 (Table 9.1, λ = 0.1, L = 2.7, μ0 = 10, σ = 1)', () => {
  const c = ewmaChart(MONTGOMERY_TABLE_9_1, { lambda: 0.1, L: 2.7, target: 10, sigma: 1 });
  it('z1 = 9.945, UCL1 = 10.27, LCL1 = 9.73; z2 = 9.7495', () => {
    expect(c.points[0]!.value).toBeCloseTo(9.945, 10);
    expect(c.points[0]!.ucl).toBeCloseTo(10.27, 10);
    expect(c.points[0]!.lcl).toBeCloseTo(9.73, 10);
    expect(c.points[1]!.value).toBeCloseTo(9.7495, 10);
  });
});

describe('tabular CUSUM — NIST/SEMATECH e-Handbook §6.3.2.3', () => {
  // NIST states k = 0.3175 and h = 4.1959 in data units for subgroup means with σx̄ = 0.635.
  const c = cusumChart(NIST_CUSUM_DATA, { target: 325, sigma: 0.635, k: 0.3175 / 0.635, h: 4.1959 / 0.635 });
  it('reproduces the printed S_hi and S_lo columns and the first signal at group 14', () => {
    expect(c.K).toBeCloseTo(0.3175, 12);
    expect(c.H).toBeCloseTo(4.1959, 12);
    c.points.forEach((p, i) => {
      expect(Math.abs(p.cPlus - NIST_CUSUM_S_HI[i]!), `S_hi ${i + 1}`).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(p.cMinus - NIST_CUSUM_S_LO[i]!), `S_lo ${i + 1}`).toBeLessThanOrEqual(0.005 + 1e-9);
    });
    const signals = c.points.filter((p) => p.signal).map((p) => p.index + 1);
    expect(signals).toEqual([14, 15, 16, 17, 18, 19, 20]);
  });
});

describe('tabular CUSUM — Montgomery Example 9.1 (Table 9.1, k = 0.5, h = 5, μ0 = 10, σ = 1)', () => {
  const c = cusumChart(MONTGOMERY_TABLE_9_1, { target: 10, sigma: 1, k: 0.5, h: 5 });
  it('C⁺ first exceeds H = 5 at period 29 (C⁺29 = 5.28, N⁺ = 7: shift began after period 22)', () => {
    const first = c.points.find((p) => p.signal)!;
    expect(first.index + 1).toBe(29);
    expect(first.cPlus).toBeCloseTo(5.28, 2);
    expect(first.nPlus).toBe(7);
    expect(c.points[0]!.cMinus).toBeCloseTo(0.05, 10); // C⁻1 = 9.5 − 9.45
  });
});
