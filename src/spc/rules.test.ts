import { describe, expect, it } from 'vitest';
import { evaluateRules } from './evaluate-rules.js';
import { RULE_IDS, type RuleId } from './rule-definitions.js';
import { RuleEngine } from './rule-engine.js';

const ALL = Object.fromEntries(RULE_IDS.map((r) => [r, true])) as Record<RuleId, boolean>;

/** Fire indices of one rule, by batch and by the incremental engine (which must agree). */
function firing(rule: RuleId, values: number[], sigma = 1, center = 0): number[] {
  const batch = evaluateRules(values, { center, sigma }, { [rule]: true });
  const engine = new RuleEngine({ center, sigma }, { [rule]: true });
  const inc = values.flatMap((v) => engine.push(v).map((x) => ({ ...x })));
  expect(inc).toEqual(batch);
  return batch.map((v) => v.index);
}

describe('rules fire exactly where they must (z-scale series: centre 0, σ 1)', () => {
  it('WE1 / Nelson 1: beyond 3σ, a point exactly at 3σ does not fire', () => {
    const s = [0.5, -0.5, 3.5, 0.2, -3.1, 3, -3];
    expect(firing('we1', s)).toEqual([2, 4]);
    expect(firing('nelson1', s)).toEqual([2, 4]);
  });

  it('WE2 / Nelson 5: 2 of 3 beyond 2σ on the same side, firing point beyond', () => {
    const s = [0.1, 2.5, -0.5, 2.1, 2.05, -2.5, 0.1, -2.0, -2.01, -3, 0, 2.5, -2.5, 0, 2.5];
    expect(firing('we2', s)).toEqual([3, 4, 9]);
    expect(firing('nelson5', s)).toEqual([3, 4, 9]);
    const v = evaluateRules(s, { center: 0, sigma: 1 }, { we2: true });
    expect(v[0]!.points).toEqual([1, 3]);
    expect(v[2]!.points).toEqual([8, 9]);
  });

  it('WE3 / Nelson 6: 4 of 5 beyond 1σ on the same side', () => {
    const s = [1.5, 1.2, 0.5, 1.1, 0.2, 1.3, 1.4, 1.05, -1.5, 1.2];
    // at 9 the window [1.3, 1.4, 1.05, −1.5, 1.2] still has 4 above 1σ
    expect(firing('we3', s)).toEqual([7, 9]);
    expect(firing('nelson6', s)).toEqual([7, 9]);
    expect(evaluateRules(s, { center: 0, sigma: 1 }, { nelson6: true })[0]!.points).toEqual([3, 5, 6, 7]);
  });

  it('WE4: 8 in a row on one side; Nelson 2: 9 in a row; a point on the centre breaks the run', () => {
    const s = [-1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2];
    expect(firing('we4', s)).toEqual([8, 9, 19]);
    expect(firing('nelson2', s)).toEqual([9]);
  });

  it('Nelson 3: 6 in a row steadily increasing or decreasing; a tie breaks the trend', () => {
    const s = [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0];
    expect(firing('nelson3', s, 100)).toEqual([5, 11, 12]);
    expect(evaluateRules(s, { center: 0, sigma: 100 }, { nelson3: true })[0]!.points).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('Nelson 4: 14 in a row alternating up and down; a repeat breaks it', () => {
    const s = [...Array.from({ length: 16 }, (_, i) => i % 2), 1, 0, 1];
    expect(firing('nelson4', s)).toEqual([13, 14, 15]);
  });

  it('Nelson 7: 15 in a row within 1σ (exactly 1σ counts as within)', () => {
    const s = [...Array.from({ length: 16 }, (_, i) => (i % 2 ? 0.5 : -1)), 1.5, 0.1];
    expect(firing('nelson7', s)).toEqual([14, 15]);
  });

  it('Nelson 8: 8 in a row beyond 1σ on either side', () => {
    const s = [...Array.from({ length: 9 }, (_, i) => (i % 2 ? 1.5 : -2.5)), 1, 1.5];
    expect(firing('nelson8', s)).toEqual([7, 8]);
  });

  it('skips missing values without breaking runs and keeps input indices', () => {
    const s = [0.5, 0.5, Number.NaN, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    expect(firing('we4', s)).toEqual([8]);
    expect(evaluateRules(s, { center: 0, sigma: 1 }, { we4: true })[0]!.points).toEqual([0, 1, 3, 4, 5, 6, 7, 8]);
  });

  it('zero sigma: off-centre points are beyond every limit, never NaN', () => {
    expect(firing('we1', [5, 5, 5.1, 5], 0, 5)).toEqual([2]);
  });
});

describe('incremental engine equals the batch evaluator', () => {
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }
  function gauss(r: () => number) {
    return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
  }
  for (const seed of [1, 2, 3, 42, 2024]) {
    it(`on a random series with shifts, trends, ties and gaps (seed ${seed})`, () => {
      const r = rng(seed);
      const values: number[] = [];
      const sigmas: number[] = [];
      for (let i = 0; i < 3000; i++) {
        const regime = Math.floor(i / 150) % 4;
        let x = regime === 1 ? 1.2 + gauss(r) : regime === 2 ? 0.3 * gauss(r) : regime === 3 ? (i % 2 ? 1 : -1) + 0.2 * gauss(r) : gauss(r);
        if (r() < 0.02) x = Number.NaN;
        if (r() < 0.05) x = Math.round(x);
        values.push(x);
        sigmas.push(r() < 0.1 ? 0.5 + r() : 1);
      }
      const batch = evaluateRules(values, { center: 0, sigma: sigmas }, ALL);
      const engine = new RuleEngine({ center: 0, sigma: 1 }, ALL);
      const inc = values.flatMap((v, i) => engine.push(v, sigmas[i]).map((x) => ({ ...x })));
      expect(inc).toEqual(batch);
      expect(new Set(batch.map((v) => v.rule)).size).toBeGreaterThanOrEqual(10);
    });
  }

  it('never throws on bad samples and allocates nothing when quiet', () => {
    const engine = new RuleEngine({ center: 0, sigma: 1 }, ALL);
    const quiet = engine.push(0.1);
    for (const bad of [Number.NaN, Infinity, -Infinity, null as unknown as number, undefined as unknown as number]) {
      expect(() => engine.push(bad)).not.toThrow();
    }
    expect(engine.push(-0.1)).toBe(quiet);
    expect(engine.skipped).toBe(5);
  });

  it('evaluates at least 2,000,000 points/s on the mask path (all rules on)', () => {
    const n = 4_000_000;
    const data = new Float64Array(4096).map((_, i) => Math.sin(i * 0.37) * 2);
    const engine = new RuleEngine({ center: 0, sigma: 1 }, ALL);
    let fired = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fired |= engine.pushMask(data[i & 4095]!);
    const rate = n / ((performance.now() - t0) / 1000);
    expect(fired).not.toBe(0);
    expect(rate).toBeGreaterThan(2_000_000);
  });
});
