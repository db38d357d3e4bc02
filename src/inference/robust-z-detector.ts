/** Settings of a robust z-score detector. */
export interface RobustZSettings {
  /** Half-life of the EWMA baseline, ms: how long a new level takes to become normal. */
  halfLifeMs: number;
  /** Samples before the first score. */
  warmup: number;
  /** Residuals are clipped at this many scales before they update the baseline (Huber), so outliers do not drag it. */
  clip: number;
  /** Floor of the scale, engineering units (sensor resolution): a perfectly flat signal does not score infinite on its first tick. */
  minScale: number;
  /** Also score a value that stopped changing (a stuck sensor). */
  stuck: boolean;
}

import { robustStart } from './robust-start.js';

/** Why the last score is what it is. */
export type ScoreReason = 'level' | 'stuck';

const MEAN = 0;
const SCALE = 1;
const COUNT = 2;
const LAST_VALUE = 3;
const LAST_TS = 4;
const LAST_CHANGE = 5;
const GAP = 6;
const BASELINE = 7;
const STUCK = 8;
const FIELDS = 9;
/** E|X − μ| = σ·√(2/π) for a normal variable, so σ ≈ 1.2533 × mean absolute deviation. */
const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);
const GAP_WEIGHT = 0.05;

/**
 * Robust z-scores for many signals in one flat Float64Array (no per-sample
 * allocation): baseline = EWMA of the value with time-based weights, scale =
 * EWMA of the clipped absolute residual, score = |x − baseline| / scale.
 * A stuck signal scores √(2·t/τ), where t is how long the value has not
 * changed and τ the signal's usual time between changes: the normal-tail
 * equivalent of P(no change for t) = e^(−t/τ).
 */
export class RobustZBank {
  #state = new Float64Array(64 * FIELDS);
  #settings: RobustZSettings[] = [];
  /** Warm-up samples per slot, dropped once the slot starts scoring. */
  #warm = new Map<number, Float64Array>();

  /** Adds a signal; returns its slot. */
  add(settings: RobustZSettings): number {
    const slot = this.#settings.length;
    this.#settings.push(settings);
    if ((slot + 1) * FIELDS > this.#state.length) {
      const next = new Float64Array(this.#state.length * 2);
      next.set(this.#state);
      this.#state = next;
    }
    this.#state.fill(0, slot * FIELDS, (slot + 1) * FIELDS);
    return slot;
  }

  get size(): number {
    return this.#settings.length;
  }

  /** Updates a signal with one sample; returns its score, or NaN while warming up. */
  update(slot: number, ts: number, value: number): number {
    const s = this.#state;
    const o = slot * FIELDS;
    const cfg = this.#settings[slot]!;
    const n = s[o + COUNT]!;
    if (n < cfg.warmup) {
      // Warm-up: collect, then start from the median and MAD (robust to start-up transients).
      let buf = this.#warm.get(slot);
      if (!buf) this.#warm.set(slot, (buf = new Float64Array(cfg.warmup)));
      buf[n] = value;
      if (n === 0) {
        s[o + LAST_VALUE] = value;
        s[o + LAST_CHANGE] = ts;
      } else this.#stuck(o, ts, value, cfg);
      s[o + COUNT] = n + 1;
      s[o + LAST_TS] = ts;
      if (n + 1 === cfg.warmup) {
        const start = robustStart(buf);
        s[o + MEAN] = start.center;
        s[o + SCALE] = start.scale;
        this.#warm.delete(slot);
      }
      s[o + BASELINE] = s[o + MEAN]!;
      return Number.NaN;
    }
    const dt = Math.max(0, ts - s[o + LAST_TS]!);
    const mean = s[o + MEAN]!;
    const scale = Math.max(s[o + SCALE]!, cfg.minScale, 1e-12);
    const residual = value - mean;
    const z = Math.abs(residual) / scale;
    s[o + BASELINE] = mean;

    // Time-based weight: irregular (deadband) samples count by the time they cover.
    const alpha = 1 - Math.pow(2, -dt / cfg.halfLifeMs);
    const limit = cfg.clip * scale;
    const clipped = residual > limit ? limit : residual < -limit ? -limit : residual;
    s[o + MEAN] = mean + alpha * clipped;
    // The scale learns from inliers only: a lasting shift must not widen it until the shift looks normal.
    if (Math.abs(residual) <= limit) s[o + SCALE] = s[o + SCALE]! + alpha * (Math.abs(residual) * MAD_TO_SIGMA - s[o + SCALE]!);

    const stuckScore = this.#stuck(o, ts, value, cfg);
    s[o + STUCK] = stuckScore > z ? 1 : 0;
    s[o + LAST_TS] = ts;
    s[o + COUNT] = n + 1;
    return stuckScore > z ? stuckScore : z;
  }

  /** Tracks how long the value has not changed against its usual time between changes; returns the stuck score. */
  #stuck(o: number, ts: number, value: number, cfg: RobustZSettings): number {
    const s = this.#state;
    if (value !== s[o + LAST_VALUE]) {
      const gap = ts - s[o + LAST_CHANGE]!;
      const tau = s[o + GAP]!;
      // One long flat spell (a stop) must not teach the detector that flat is normal: clip the gap.
      s[o + GAP] = tau === 0 ? gap : tau + GAP_WEIGHT * (Math.min(gap, 10 * tau) - tau);
      s[o + LAST_CHANGE] = ts;
      s[o + LAST_VALUE] = value;
      return 0;
    }
    return cfg.stuck && s[o + GAP]! > 0 ? Math.sqrt((2 * (ts - s[o + LAST_CHANGE]!)) / s[o + GAP]!) : 0;
  }

  /** Baseline the last score was measured against. */
  baseline(slot: number): number {
    return this.#state[slot * FIELDS + BASELINE]!;
  }

  reason(slot: number): ScoreReason {
    return this.#state[slot * FIELDS + STUCK] ? 'stuck' : 'level';
  }

  /** Forgets the "unchanged since" clock (a stopped machine legitimately flatlines). */
  pause(slot: number, ts: number): void {
    const o = slot * FIELDS;
    this.#state[o + LAST_CHANGE] = ts;
    this.#state[o + LAST_TS] = ts;
  }
}
