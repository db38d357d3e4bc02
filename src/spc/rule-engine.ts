import { RULE_BIT, RULE_IDS, RULE_MESSAGES, ruleMask, zScore, type RuleSet, type Violation } from './rule-definitions.js';

const EMPTY: readonly Violation[] = Object.freeze([]);
const RING = 16; // longest pattern is 15 points (Nelson 7)

/**
 * Incremental rule evaluation: O(1) per point, no allocation unless a rule
 * fires. Gives exactly the violations of {@link evaluateRules} point by point.
 * State is run lengths and 5-point bit histories of zone membership; a ring of
 * the last 16 point indices names the points of a pattern when one fires.
 * Never throws on a bad sample: NaN/±Infinity/null are skipped but still
 * advance the index, so indices match positions in the input series.
 */
export class RuleEngine {
  private readonly enabled: number;
  private center: number;
  private sigma: number;
  private index = -1;
  private count = 0;
  private readonly ring = new Int32Array(RING);
  private readonly zRing = new Float64Array(RING);
  private prev = Number.NaN;
  private prevDiff = 0;
  private sideRun = 0; // > 0: run above, < 0: run below
  private upRun = 0;
  private downRun = 0;
  private altRun = 0; // consecutive alternating non-zero differences
  private withinRun = 0;
  private beyondRun = 0;
  private hiA = 0; // bit 0 = newest point; z > 2
  private loA = 0;
  private hiB = 0; // z > 1
  private loB = 0;
  /** Missing values seen. */
  skipped = 0;

  constructor(zones: { center: number; sigma: number }, rules: RuleSet) {
    this.enabled = ruleMask(rules);
    this.center = zones.center;
    this.sigma = zones.sigma;
  }

  /** New limits (e.g. after a phase I study); run state is kept, since the process did not restart. */
  setZones(zones: { center: number; sigma: number }): void {
    this.center = zones.center;
    this.sigma = zones.sigma;
  }

  /** Index the next pushed value will get. */
  get nextIndex(): number {
    return this.index + 1;
  }

  /**
   * Evaluates one point and returns the fired rules as a bitmask (bit i =
   * RULE_IDS[i]); 0 for a missing value. `sigma` overrides the zone sigma for
   * this point (variable limits of p/u charts). Allocation-free.
   */
  pushMask(value: number, sigma: number = this.sigma): number {
    this.index++;
    if (!Number.isFinite(value)) {
      this.skipped++;
      return 0;
    }
    const z = zScore(value, this.center, Number.isFinite(sigma) && sigma >= 0 ? sigma : this.sigma);
    const slot = this.count % RING;
    this.ring[slot] = this.index;
    this.zRing[slot] = z;
    this.count++;

    this.sideRun = z > 0 ? (this.sideRun > 0 ? this.sideRun + 1 : 1) : z < 0 ? (this.sideRun < 0 ? this.sideRun - 1 : -1) : 0;
    if (this.count > 1) {
      const d = value - this.prev;
      this.upRun = d > 0 ? this.upRun + 1 : 0;
      this.downRun = d < 0 ? this.downRun + 1 : 0;
      this.altRun = d === 0 ? 0 : this.prevDiff !== 0 && d > 0 !== this.prevDiff > 0 ? this.altRun + 1 : 1;
      this.prevDiff = d;
    }
    this.prev = value;
    const az = Math.abs(z);
    this.withinRun = az <= 1 ? this.withinRun + 1 : 0;
    this.beyondRun = az > 1 ? this.beyondRun + 1 : 0;
    this.hiA = ((this.hiA << 1) | (z > 2 ? 1 : 0)) & 31;
    this.loA = ((this.loA << 1) | (z < -2 ? 1 : 0)) & 31;
    this.hiB = ((this.hiB << 1) | (z > 1 ? 1 : 0)) & 31;
    this.loB = ((this.loB << 1) | (z < -1 ? 1 : 0)) & 31;

    let fired = 0;
    if (az > 3) fired |= RULE_BIT.we1 | RULE_BIT.nelson1;
    if ((this.hiA & 1 && popcount(this.hiA & 7) >= 2 && this.count >= 3) || (this.loA & 1 && popcount(this.loA & 7) >= 2 && this.count >= 3)) {
      fired |= RULE_BIT.we2 | RULE_BIT.nelson5;
    }
    if ((this.hiB & 1 && popcount(this.hiB) >= 4 && this.count >= 5) || (this.loB & 1 && popcount(this.loB) >= 4 && this.count >= 5)) {
      fired |= RULE_BIT.we3 | RULE_BIT.nelson6;
    }
    const side = Math.abs(this.sideRun);
    if (side >= 8) fired |= RULE_BIT.we4;
    if (side >= 9) fired |= RULE_BIT.nelson2;
    if (this.upRun >= 5 || this.downRun >= 5) fired |= RULE_BIT.nelson3;
    if (this.altRun >= 13) fired |= RULE_BIT.nelson4;
    if (this.withinRun >= 15) fired |= RULE_BIT.nelson7;
    if (this.beyondRun >= 8) fired |= RULE_BIT.nelson8;
    return fired & this.enabled;
  }

  /**
   * Evaluates one point and returns its violations. The returned array is a
   * shared empty array when nothing fires (the steady state allocates nothing).
   */
  push(value: number, sigma?: number): readonly Violation[] {
    const mask = this.pushMask(value, sigma);
    if (mask === 0) return EMPTY;
    const out: Violation[] = [];
    for (let i = 0; i < RULE_IDS.length; i++) {
      if (mask & (1 << i)) {
        const rule = RULE_IDS[i]!;
        out.push({ rule, index: this.index, points: this.patternPoints(i), message: RULE_MESSAGES[rule] });
      }
    }
    return out;
  }

  private lastIndices(k: number, keep?: (z: number) => boolean): number[] {
    const pts: number[] = [];
    for (let j = k - 1; j >= 0; j--) {
      const slot = (this.count - 1 - j) % RING;
      if (!keep || keep(this.zRing[slot]!)) pts.push(this.ring[slot]!);
    }
    return pts;
  }

  private patternPoints(bit: number): number[] {
    const z = this.zRing[(this.count - 1) % RING]!;
    switch (RULE_IDS[bit]) {
      case 'we1':
      case 'nelson1':
        return [this.index];
      case 'we2':
      case 'nelson5':
        return z > 0 ? this.lastIndices(3, (q) => q > 2) : this.lastIndices(3, (q) => q < -2);
      case 'we3':
      case 'nelson6':
        return z > 0 ? this.lastIndices(5, (q) => q > 1) : this.lastIndices(5, (q) => q < -1);
      case 'we4':
        return this.lastIndices(8);
      case 'nelson2':
        return this.lastIndices(9);
      case 'nelson3':
        return this.lastIndices(6);
      case 'nelson4':
        return this.lastIndices(14);
      case 'nelson7':
        return this.lastIndices(15);
      default:
        return this.lastIndices(8);
    }
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let b = x; b !== 0; b &= b - 1) c++;
  return c;
}
