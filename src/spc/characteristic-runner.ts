import type { ChartLimits } from './chart-limits.js';
import { CharacteristicEvaluator, type CharacteristicSample, type EvaluatorEvent, type PointEvent } from './characteristic-evaluator.js';
import type { Characteristic } from './characteristic-schema.js';
import { CounterPair } from './counter-pair.js';
import { pointViolations, type PointViolation } from './point-violations.js';
import type { Subgroup } from './subgrouper.js';

/** Where a runner reports what its points did. */
export interface RunnerSink {
  violation(r: CharacteristicRunner, point: PointEvent, violations: PointViolation[]): void;
  limits(r: CharacteristicRunner, limits: ChartLimits, baselineViolations: number): void;
  incomplete(r: CharacteristicRunner, subgroup: Subgroup): void;
}

/** Live state of a characteristic as the API reports it. */
export type CharacteristicStatus = 'in-control' | 'out-of-control' | 'baseline' | 'insufficient-data';

const RING = 16;
/** A rule that fired within this many points keeps the characteristic out of control. */
const RECENT_POINTS = 10;

/**
 * One live characteristic: feeds its tag's samples (or counter readings) to
 * the evaluator, remembers the timestamps of the last points so a violation
 * can name its points by time, and tells its sink. While `muted` (replaying
 * stored samples after a restart) violations are not reported again.
 */
export class CharacteristicRunner {
  readonly evaluator: CharacteristicEvaluator;
  readonly counters: CounterPair | undefined;
  muted = false;
  lastViolation: { ts: number; rule: string; message: string } | undefined;
  lastPointTs: number | undefined;
  /** Part or batch id the next measurements belong to (subgroup mode part-id). */
  partId: string | undefined;
  private readonly ring = new Float64Array(RING);
  private lastViolationPoint = -Infinity;
  private readonly scratch: CharacteristicSample = { ts: 0, value: 0 };

  constructor(
    readonly c: Characteristic,
    private readonly sink: RunnerSink,
  ) {
    this.evaluator = new CharacteristicEvaluator(c);
    this.counters = c.sizeTag !== undefined ? new CounterPair(c.subgroup.size) : undefined;
  }

  /** A measurement (variable charts) or a count (attribute charts without counters). */
  measure(ts: number, value: number): void {
    this.scratch.ts = ts;
    this.scratch.value = value;
    if (this.partId !== undefined) this.scratch.partId = this.partId;
    this.handle(this.evaluator.push(this.scratch));
  }

  /** After a batch: plots the point completed by counter readings, if any. */
  release(): void {
    const s = this.counters?.release();
    if (s) this.handle(this.evaluator.push(s));
  }

  /** Closes timed-out subgroups. */
  tick(now: number): void {
    this.handle(this.evaluator.tick(now));
  }

  /** Monitors against `limits` from now on. */
  adopt(limits: ChartLimits): void {
    this.evaluator.adopt(limits);
  }

  get limits(): ChartLimits | undefined {
    return this.evaluator.limits;
  }

  status(): CharacteristicStatus {
    if (!this.evaluator.limits) return 'baseline';
    return this.evaluator.points - 1 - this.lastViolationPoint < RECENT_POINTS ? 'out-of-control' : 'in-control';
  }

  private handle(events: readonly EvaluatorEvent[]): void {
    for (const e of events) {
      if (e.kind === 'point') this.point(e);
      else if (e.kind === 'limits') this.sink.limits(this, e.limits, e.baselineViolations.length);
      else if (!this.muted) this.sink.incomplete(this, e.subgroup);
    }
  }

  private point(p: PointEvent): void {
    this.ring[p.index % RING] = p.ts;
    this.lastPointTs = p.ts;
    if (p.phase !== 'monitoring' || (p.violations.length === 0 && !p.signal && !p.secondary?.outOfLimits)) return;
    const newest = p.index;
    const violations = pointViolations(this.c.chart, p, (i) => (i <= newest && newest - i < RING ? this.ring[i % RING] : undefined));
    if (violations.length === 0) return;
    this.lastViolationPoint = p.index;
    const first = violations[0]!;
    this.lastViolation = { ts: p.ts, rule: first.rule, message: first.message };
    if (!this.muted) this.sink.violation(this, p, violations);
  }
}
