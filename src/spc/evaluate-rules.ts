import { isPresent, type MaybeNumber } from './chart-result.js';
import { SpcError, SpcErrorCode } from './errors.js';
import { RULE_IDS, RULE_MESSAGES, zScore, type RuleId, type RuleSet, type Violation } from './rule-definitions.js';

/** Centre and sigma of the plotted statistic; sigma per point for variable limits. */
export interface Zones {
  center: number;
  sigma: number | readonly number[];
}

/**
 * Batch rule evaluation, written as the textbook definitions over windows of the
 * last k points (Nelson, J. Quality Technology 16(4), 1984; Western Electric
 * Handbook, 1956). Zones A/B/C are the bands beyond 2σ / 1σ–2σ / within 1σ;
 * "beyond kσ" means |z| > k and a point exactly on a boundary is within.
 * Count rules (2 of 3, 4 of 5) fire only at a point that itself qualifies;
 * run rules fire at every point that extends a qualifying run.
 * Missing values are skipped: they are not points and do not break runs.
 * @returns violations ordered by index, then in RULE_IDS order.
 */
export function evaluateRules(values: readonly MaybeNumber[], zones: Zones, rules: RuleSet): Violation[] {
  if (typeof zones.sigma !== 'number' && zones.sigma.length !== values.length) {
    throw new SpcError(SpcErrorCode.LengthMismatch, `rules: ${values.length} values but ${zones.sigma.length} sigmas`);
  }
  const idx: number[] = [];
  const v: number[] = [];
  const z: number[] = [];
  const out: Violation[] = [];
  values.forEach((x, i) => {
    if (!isPresent(x)) return;
    const s = typeof zones.sigma === 'number' ? zones.sigma : (zones.sigma[i] ?? 0);
    idx.push(i);
    v.push(x);
    z.push(zScore(x, zones.center, s));
    const t = v.length - 1;
    const last = (k: number) => (t + 1 >= k ? Array.from({ length: k }, (_, j) => t - k + 1 + j) : undefined);
    const fire = (rule: RuleId, pts: number[]) => out.push({ rule, index: i, points: pts.map((p) => idx[p]!), message: RULE_MESSAGES[rule] });
    const run = (k: number, pred: (p: number) => boolean) => {
      const w = last(k);
      return w && w.every(pred) ? w : undefined;
    };
    const countOf = (k: number, m: number, limit: number) => {
      const w = last(k);
      if (!w) return undefined;
      for (const side of [1, -1]) {
        if (side * z[t]! <= limit) continue;
        const hits = w.filter((p) => side * z[p]! > limit);
        if (hits.length >= m) return hits;
      }
      return undefined;
    };
    for (const rule of RULE_IDS) {
      if (!rules[rule]) continue;
      let pts: number[] | undefined;
      switch (rule) {
        case 'we1':
        case 'nelson1':
          pts = Math.abs(z[t]!) > 3 ? [t] : undefined;
          break;
        case 'we2':
        case 'nelson5':
          pts = countOf(3, 2, 2);
          break;
        case 'we3':
        case 'nelson6':
          pts = countOf(5, 4, 1);
          break;
        case 'we4':
        case 'nelson2': {
          const k = rule === 'we4' ? 8 : 9;
          pts = run(k, (p) => z[p]! > 0) ?? run(k, (p) => z[p]! < 0);
          break;
        }
        case 'nelson3':
          pts = run(6, (p) => p === t - 5 || v[p]! > v[p - 1]!) ?? run(6, (p) => p === t - 5 || v[p]! < v[p - 1]!);
          break;
        case 'nelson4':
          pts = run(14, (p) => {
            if (p <= t - 12) return true; // the first two points only start the first difference
            const d1 = v[p]! - v[p - 1]!;
            const d0 = v[p - 1]! - v[p - 2]!;
            return d1 !== 0 && d0 !== 0 && Math.sign(d1) !== Math.sign(d0);
          });
          if (pts && v[t - 12]! === v[t - 13]!) pts = undefined;
          break;
        case 'nelson7':
          pts = run(15, (p) => Math.abs(z[p]!) <= 1);
          break;
        case 'nelson8':
          pts = run(8, (p) => Math.abs(z[p]!) > 1);
          break;
      }
      if (pts) fire(rule, pts);
    }
  });
  return out;
}
