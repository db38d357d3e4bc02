import { describe, expect, it } from 'vitest';
import { andersonDarling, andersonDarlingPValue } from './anderson-darling.js';
import { capability } from './capability.js';
import { SpcError } from './errors.js';
import { PISTON_RINGS } from './published-examples.js';

describe('Anderson–Darling', () => {
  it("p-value (D'Agostino & Stephens 1986) reproduces the tabulated critical values of A²* for the normal case (also NIST e-Handbook §1.3.5.14)", () => {
    // α = 10 %, 5 %, 2.5 %, 1 %  ↔  A²* = 0.631, 0.752, 0.873, 1.035
    expect(andersonDarlingPValue(0.631)).toBeCloseTo(0.1, 3);
    expect(andersonDarlingPValue(0.752)).toBeCloseTo(0.05, 3);
    expect(andersonDarlingPValue(0.873)).toBeCloseTo(0.025, 3);
    expect(andersonDarlingPValue(1.035)).toBeCloseTo(0.01, 3);
    expect(andersonDarlingPValue(0.1)).toBeGreaterThan(0.99);
    expect(andersonDarlingPValue(500)).toBe(0);
  });

  it('A² equals the reference implementation (SciPy 1.17 scipy.stats.anderson, sample sd) — no published worked example with raw data was found', () => {
    const normalish = [
      10.002, 10.597, 9.452, 8.219, 9.091, 8.017, 10.12, 12.68, 9.016, 8.759, 10.98, 10.714, 10.211, 8.139, 9.941, 11.391, 7.312, 9.085, 6.198,
      7.421, 6.317, 9.53, 7.465, 10.543, 10.314, 9.626, 4.966, 8.923, 9.903, 10.227,
    ];
    const r = andersonDarling(normalish);
    expect(r.aSquared).toBeCloseTo(0.4348165326566438, 9);
    expect(r.aSquaredAdjusted).toBeCloseTo(0.4348165326566438 * (1 + 0.75 / 30 + 2.25 / 900), 9);
    expect(r.pValue).toBeGreaterThan(0.05);
    const skewed = [
      1.181, 0.527, 0.022, 0.293, 1.014, 0.635, 1.397, 0.008, 0.904, 0.25, 0.356, 3.075, 1.404, 3.795, 1.748, 2.243, 0.145, 0.303, 0.239, 1.148, 1.223,
      0.127, 0.384, 1.068, 0.069,
    ];
    const e = andersonDarling(skewed);
    expect(e.aSquared).toBeCloseTo(1.2931080023684167, 9);
    expect(e.pValue).toBeLessThan(0.01);
    expect(andersonDarling(PISTON_RINGS.flat()).aSquared).toBeCloseTo(0.19101938332570967, 9);
  });

  it('reports a reason instead of NaN for constant or short data', () => {
    const flat = andersonDarling([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(flat.aSquared).toBeUndefined();
    expect(flat.reason).toMatch(/equal/);
    const short = andersonDarling([1, 2, 3]);
    expect(short.pValue).toBeUndefined();
    expect(short.reason).toMatch(/at least 8/);
  });
});

describe('capability', () => {
  // Hand computation: x = 9 10 11 10 10 9 11 10, mean 10, Σ(x − x̄)² = 4, s = √(4/7) = 0.755929;
  // moving ranges 1 1 1 0 1 2 1, MR̄ = 1, σ_within = 1/d2(2) = 1/1.128379 = 0.886227.
  const values = [9, 10, 11, 10, 10, 9, 11, 10];
  const r = capability({ values, spec: { lsl: 7, usl: 13, target: 10 } });

  it('matches the hand-computed individuals example', () => {
    expect(r.withinMethod).toBe('mrbar');
    expect(r.sigmaWithin).toBeCloseTo(0.886227, 6);
    expect(r.sigmaOverall).toBeCloseTo(0.755929, 6);
    expect(r.cp).toBeCloseTo(1.128379, 6); // 6 / (6 · 0.886227)
    expect(r.cpk).toBeCloseTo(1.128379, 6);
    expect(r.pp).toBeCloseTo(1.322876, 6); // 6 / (6 · 0.755929)
    expect(r.ppk).toBeCloseTo(1.322876, 6);
    expect(r.cpm).toBeCloseTo(1.322876, 6); // on target: τ = s
  });

  it('gives the Bissell (1990) interval for Cpk and names the method', () => {
    // 1.128379 ± 1.959964 · √(1/72 + 1.128379²/14) = 1.128379 ± 0.634601
    expect(r.cpkInterval!.lower).toBeCloseTo(0.493778, 5);
    expect(r.cpkInterval!.upper).toBeCloseTo(1.76298, 5);
    expect(r.cpkInterval!.method).toMatch(/Bissell/);
    expect(r.normality.method).toBe('Anderson-Darling');
  });

  it('one-sided specs give only the matching index', () => {
    const u = capability({ values, spec: { usl: 13 } });
    expect(u.cp).toBeUndefined();
    expect(u.undefinedReasons.cp).toMatch(/both/);
    expect(u.cpu).toBeCloseTo(1.128379, 6);
    expect(u.cpk).toBe(u.cpu);
    expect(u.ppk).toBeCloseTo(1.322876, 6);
    const l = capability({ values, spec: { lsl: 8.5 } });
    expect(l.cpk).toBeCloseTo(1.5 / (3 * 0.886227), 6);
  });

  it('subgroups: σ_within = R̄/d2 by default, S̄/c4 on request (Montgomery piston rings, spec 74.000 ± 0.05)', () => {
    const c = capability({ subgroups: PISTON_RINGS, spec: { lsl: 73.95, usl: 74.05 } });
    expect(c.sigmaWithin).toBeCloseTo(0.02276 / 2.325929, 6);
    // Montgomery §6.2 prints Cp = 0.10/(6 · 0.0099) = 1.68 using R̄ rounded to 0.023; unrounded R̄ = 0.02276 gives 1.703.
    expect(c.cp).toBeCloseTo(0.1 / (6 * (0.02276 / 2.325929)), 6);
    const s = capability({ subgroups: PISTON_RINGS, spec: { lsl: 73.95, usl: 74.05 }, withinMethod: 'sbar' });
    expect(s.sigmaWithin).toBeCloseTo(0.009240036602 / 0.939985603, 6);
    expect(c.n).toBe(125);
  });

  it('constant data: indices undefined with a reason, never NaN or Infinity', () => {
    const z = capability({ values: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5], spec: { lsl: 4, usl: 6 } });
    expect(z.cp).toBeUndefined();
    expect(z.cpk).toBeUndefined();
    expect(z.ppk).toBeUndefined();
    expect(z.undefinedReasons.cpk).toMatch(/constant/);
    expect(JSON.stringify(z)).not.toMatch(/NaN|Infinity|null/);
  });

  it('skips and counts missing values', () => {
    const m = capability({ values: [9, null, 10, Number.NaN, 11, 10, 10, 9, 11, 10], spec: { lsl: 7, usl: 13 } });
    expect(m.skipped).toBe(2);
    expect(m.cp).toBeCloseTo(r.cp!, 12);
  });

  it('rejects spec limits in the wrong order with a typed error', () => {
    expect(() => capability({ values, spec: { lsl: 13, usl: 7 } })).toThrowError(SpcError);
    try {
      capability({ values, spec: { lsl: 13, usl: 7 } });
    } catch (e) {
      expect((e as SpcError).code).toBe('SPC_SPEC_LIMITS_ORDER');
    }
    expect(() => capability({ values, spec: {} })).toThrowError(/at least one specification limit/);
  });
});
