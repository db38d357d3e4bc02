import { robustStart } from './robust-start.js';

/** Settings of a seasonal (phase-binned) baseline. */
export interface SeasonalSettings {
  bins: number;
  /** Half-life of each bin's EWMA, counted in samples that land in the bin. */
  halfLifeSamples: number;
  /** Samples a bin needs before it scores. */
  warmup: number;
  clip: number;
  minScale: number;
}

const MEAN = 0;
const SCALE = 1;
const COUNT = 2;
const FIELDS = 3;
const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

/**
 * A baseline per phase of a cycle: the hour of the day, the position in a
 * machine cycle, or the tool's wear. Each bin learns its own mean and robust
 * scale, so a value normal at one phase (high load with a worn tool) can be
 * anomalous at another (the same load with a fresh one).
 */
export class SeasonalBank {
  #state = new Float64Array(0);
  #settings: SeasonalSettings[] = [];
  #offsets: number[] = [];
  #lastBaseline: number[] = [];
  #warm = new Map<number, Float64Array>();

  add(settings: SeasonalSettings): number {
    const slot = this.#settings.length;
    this.#settings.push(settings);
    this.#offsets.push(this.#state.length);
    this.#lastBaseline.push(Number.NaN);
    const next = new Float64Array(this.#state.length + settings.bins * FIELDS);
    next.set(this.#state);
    this.#state = next;
    return slot;
  }

  /** Updates the bin `bin` of a signal; returns the score, or NaN while that bin warms up. */
  update(slot: number, bin: number, value: number): number {
    const cfg = this.#settings[slot]!;
    const b = Math.min(cfg.bins - 1, Math.max(0, Math.floor(bin)));
    const key = this.#offsets[slot]! + b * FIELDS;
    const o = key;
    const s = this.#state;
    const n = s[o + COUNT]!;
    if (n < cfg.warmup) {
      let buf = this.#warm.get(key);
      if (!buf) this.#warm.set(key, (buf = new Float64Array(cfg.warmup)));
      buf[n] = value;
      s[o + COUNT] = n + 1;
      if (n + 1 === cfg.warmup) {
        const start = robustStart(buf);
        s[o + MEAN] = start.center;
        s[o + SCALE] = start.scale;
        this.#warm.delete(key);
      }
      this.#lastBaseline[slot] = s[o + MEAN]!;
      return Number.NaN;
    }
    const mean = s[o + MEAN]!;
    const scale = Math.max(s[o + SCALE]!, cfg.minScale, 1e-12);
    const residual = value - mean;
    this.#lastBaseline[slot] = mean;
    const alpha = 1 - Math.pow(2, -1 / cfg.halfLifeSamples);
    const limit = cfg.clip * scale;
    const clipped = residual > limit ? limit : residual < -limit ? -limit : residual;
    s[o + MEAN] = mean + alpha * clipped;
    if (Math.abs(residual) <= limit) s[o + SCALE] = s[o + SCALE]! + alpha * (Math.abs(residual) * MAD_TO_SIGMA - s[o + SCALE]!);
    s[o + COUNT] = n + 1;
    return Math.abs(residual) / scale;
  }

  baseline(slot: number): number {
    return this.#lastBaseline[slot]!;
  }
}

/** Bin of a time in a cycle of `periodMs` split into `bins` (UTC, shifted by `offsetMs`). */
export function timeBin(ts: number, periodMs: number, bins: number, offsetMs = 0): number {
  const phase = (((ts + offsetMs) % periodMs) + periodMs) % periodMs;
  return Math.floor((phase / periodMs) * bins);
}

/** Bin of a phase value within [low, high]. */
export function valueBin(value: number, low: number, high: number, bins: number): number {
  return Math.floor(((value - low) / (high - low)) * bins);
}
