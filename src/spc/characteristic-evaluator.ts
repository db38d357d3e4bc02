import { limitsFromBaseline, limitsFromFixed, pointLimits, type BaselineData, type ChartLimits } from './chart-limits.js';
import type { Characteristic } from './characteristic-schema.js';
import { evaluateRules } from './evaluate-rules.js';
import type { Violation } from './rule-definitions.js';
import { RuleEngine } from './rule-engine.js';
import { Subgrouper, type Subgroup } from './subgrouper.js';

/** A sample for a characteristic: a measurement (variable charts) or a count with its inspected size (attribute charts). */
export interface CharacteristicSample {
  ts: number;
  value: number | null | undefined;
  partId?: string;
  /** Units inspected for this count (p, u); the configured subgroup size when absent. */
  size?: number;
}

/** A plotted point with the rules it fired. */
export interface PointEvent {
  kind: 'point';
  /** Point number since the evaluator started (baseline points included). */
  index: number;
  ts: number;
  value: number;
  /** Limits for this point; absent while the phase I baseline is being collected. */
  center?: number;
  ucl?: number;
  lcl?: number;
  phase: 'baseline' | 'monitoring';
  violations: readonly Violation[];
  /** EWMA beyond its limits or CUSUM beyond H; zone rules do not apply to these autocorrelated statistics. */
  signal?: 'upper' | 'lower' | 'both';
  /** CUSUM only: the upper and lower cumulative sums C⁺ and C⁻ after this point. */
  cusum?: { upper: number; lower: number };
  /** Range, standard deviation or moving range of this point, and whether it is beyond its limits. */
  secondary?: { value: number; outOfLimits: boolean };
}

/** Events an evaluator emits. */
export type EvaluatorEvent =
  | PointEvent
  | { kind: 'limits'; limits: ChartLimits; baselineViolations: Violation[] }
  | { kind: 'incomplete-subgroup'; subgroup: Subgroup };

const NONE: readonly EvaluatorEvent[] = Object.freeze([]);

/**
 * Live evaluation of one characteristic: samples in, chart points and rule
 * violations out. Limits come from the config (fixed) or from a phase I study of
 * the first N points, computed with the batch charts; monitoring then uses the
 * O(1) {@link RuleEngine}. Never throws on a sample: bad ones are counted.
 */
export class CharacteristicEvaluator {
  /** Samples rejected (impossible counts or sizes); missing values are counted by the subgrouper. */
  rejected = 0;
  private readonly attribute: boolean;
  private readonly subgrouper: Subgrouper | undefined;
  private readonly baseline: BaselineData = { subgroups: [], counts: [], sizes: [] };
  private current: ChartLimits | undefined;
  private engine: RuleEngine | undefined;
  private index = 0;
  /** Point index of the rule engine's first point: its indices count from when the limits were set. */
  private engineOffset = 0;
  private prevValue = Number.NaN; // for moving ranges
  private ewmaZ = 0;
  private ewmaDecay = 1;
  private cPlus = 0;
  private cMinus = 0;

  constructor(private readonly c: Characteristic) {
    this.attribute = c.chart === 'p' || c.chart === 'np' || c.chart === 'c' || c.chart === 'u';
    if (!this.attribute) {
      this.subgrouper = new Subgrouper({ ...c.subgroup, size: c.chart === 'imr' ? 1 : c.subgroup.size });
    }
    if (c.baseline.mode === 'fixed') this.establish(limitsFromFixed(c));
  }

  /** Limits in force, once established. */
  get limits(): ChartLimits | undefined {
    return this.current;
  }

  /**
   * Monitors against these limits from the next point on (an engineer's limits,
   * or limits restored after a restart); a phase I study in progress ends.
   */
  adopt(limits: ChartLimits): void {
    this.establish(limits);
  }

  /** Points plotted so far (baseline points included). */
  get points(): number {
    return this.index;
  }

  /** Missing values skipped so far. */
  get skipped(): number {
    return this.subgrouper?.skipped ?? this.missing;
  }
  private missing = 0;

  /** Feeds one sample; returns the events it caused (a shared empty array when none). */
  push(sample: CharacteristicSample): readonly EvaluatorEvent[] {
    if (this.attribute) return this.pushCount(sample);
    const closed = this.subgrouper!.push(sample);
    return closed.length === 0 ? NONE : closed.flatMap((g) => this.onSubgroup(g));
  }

  /** Closes timed-out subgroups at `now` (epoch ms); call periodically. */
  tick(now: number): readonly EvaluatorEvent[] {
    const closed = this.subgrouper?.tick(now) ?? [];
    return closed.length === 0 ? NONE : closed.flatMap((g) => this.onSubgroup(g));
  }

  private pushCount(s: CharacteristicSample): readonly EvaluatorEvent[] {
    const count = s.value;
    const size = s.size ?? this.c.subgroup.size;
    if (typeof count !== 'number' || !Number.isFinite(count)) {
      this.missing++;
      return NONE;
    }
    const bounded = this.c.chart === 'p' || this.c.chart === 'np';
    if (count < 0 || !(size > 0) || (bounded && count > size) || (this.c.chart === 'np' && size !== this.c.subgroup.size)) {
      this.rejected++;
      return NONE;
    }
    const value = this.c.chart === 'p' || this.c.chart === 'u' ? count / size : count;
    if (!this.current) {
      this.baseline.counts.push(count);
      this.baseline.sizes.push(size);
      return this.baselinePoint(s.ts, value);
    }
    return [this.monitor(s.ts, value, size, undefined)];
  }

  private onSubgroup(g: Subgroup): EvaluatorEvent[] {
    if (!g.complete) return [{ kind: 'incomplete-subgroup', subgroup: g }];
    const n = g.values.length;
    let value = 0;
    for (const v of g.values) value += v;
    value /= n;
    let secondary: number | undefined;
    if (this.c.chart === 'xbar-r') secondary = Math.max(...g.values) - Math.min(...g.values);
    if (this.c.chart === 'xbar-s') {
      let ss = 0;
      for (const v of g.values) ss += (v - value) ** 2;
      secondary = Math.sqrt(ss / (n - 1));
    }
    if (this.c.chart === 'imr' && Number.isFinite(this.prevValue)) secondary = Math.abs(value - this.prevValue);
    this.prevValue = value;
    if (!this.current) {
      this.baseline.subgroups.push(g.values);
      return this.baselinePoint(g.end, value);
    }
    return [this.monitor(g.end, value, n, secondary)];
  }

  private baselinePoint(ts: number, value: number): EvaluatorEvent[] {
    const point: PointEvent = { kind: 'point', index: this.index++, ts, value, phase: 'baseline', violations: [] };
    const needed = this.c.baseline.mode === 'phase1' ? this.c.baseline.subgroups : Infinity;
    const have = this.attribute ? this.baseline.counts.length : this.baseline.subgroups.length;
    if (have < needed) return [point];
    let limits: ChartLimits;
    try {
      limits = limitsFromBaseline(this.c, this.baseline);
    } catch {
      return [point]; // e.g. all subgroups unusable: keep collecting rather than fail the live path
    }
    this.establish(limits);
    return [point, { kind: 'limits', limits, baselineViolations: this.baselineViolations(limits) }];
  }

  private baselineViolations(l: ChartLimits): Violation[] {
    if (this.c.chart === 'ewma' || this.c.chart === 'cusum') return [];
    const values = this.attribute
      ? this.baseline.counts.map((c, i) => (this.c.chart === 'p' || this.c.chart === 'u' ? c / this.baseline.sizes[i]! : c))
      : this.baseline.subgroups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
    const sigmas = this.attribute ? this.baseline.sizes.map((n) => pointLimits(l, n).sigma) : this.baseline.subgroups.map((g) => pointLimits(l, g.length).sigma);
    return evaluateRules(values, { center: l.center, sigma: sigmas }, this.c.rules);
  }

  private establish(l: ChartLimits): void {
    this.current = l;
    this.engineOffset = this.index;
    this.engine = new RuleEngine({ center: l.center, sigma: pointLimits(l, l.n).sigma }, this.c.rules);
    this.ewmaZ = this.c.chart === 'ewma' ? l.center : 0;
    this.ewmaDecay = 1;
    this.cPlus = 0;
    this.cMinus = 0;
  }

  private monitor(ts: number, value: number, size: number, secondary: number | undefined): PointEvent {
    const l = this.current!;
    const pl = pointLimits(l, size);
    const point: PointEvent = { kind: 'point', index: this.index++, ts, value, center: l.center, ucl: pl.ucl, lcl: pl.lcl, phase: 'monitoring', violations: [] };
    if (this.c.chart === 'ewma') {
      const { lambda, L } = this.c.ewma;
      this.ewmaZ = lambda * value + (1 - lambda) * this.ewmaZ;
      this.ewmaDecay *= (1 - lambda) * (1 - lambda);
      const s = pl.sigma * Math.sqrt((lambda / (2 - lambda)) * (1 - this.ewmaDecay));
      point.value = this.ewmaZ;
      point.ucl = l.center + L * s;
      point.lcl = l.center - L * s;
      const up = this.ewmaZ > point.ucl;
      const down = this.ewmaZ < point.lcl;
      if (up || down) point.signal = up ? 'upper' : 'lower';
    } else if (this.c.chart === 'cusum') {
      const target = this.c.cusum.target ?? l.center;
      const K = this.c.cusum.k * pl.sigma;
      const H = this.c.cusum.h * pl.sigma;
      this.cPlus = Math.max(0, value - (target + K) + this.cPlus);
      this.cMinus = Math.max(0, target - K - value + this.cMinus);
      point.center = target;
      point.ucl = H;
      point.lcl = -H;
      const up = this.cPlus > H;
      const down = this.cMinus > H;
      point.cusum = { upper: this.cPlus, lower: this.cMinus };
      if (up || down) point.signal = up && down ? 'both' : up ? 'upper' : 'lower';
    } else {
      const fired = this.engine!.push(value, pl.sigma);
      point.violations = fired.length === 0 || this.engineOffset === 0 ? fired : fired.map((v) => ({ ...v, index: v.index + this.engineOffset, points: v.points.map((i) => i + this.engineOffset) }));
    }
    if (secondary !== undefined && l.secondary) {
      point.secondary = { value: secondary, outOfLimits: secondary > l.secondary.ucl || secondary < l.secondary.lcl };
    }
    return point;
  }
}
