/**
 * Turns samples of several tags into rows on a fixed period: each closed
 * window gives one row holding every tag's newest value up to its end (a tag
 * stored by exception keeps its last value). Windows close as sample time
 * passes them, or when `closeUntil` is called with the wall clock, so a
 * window in which nothing changed still gives its row.
 */
export class RowWindow {
  readonly periodMs: number;
  readonly length: number;
  readonly features: number;
  readonly #latest: Float64Array;
  /** Last `length` rows, oldest first, flattened. */
  readonly #rows: Float32Array;
  #filled = 0;
  #windowEnd = Number.NaN;
  #seen = 0;
  /** Windows skipped because many closed at once (a long gap). */
  skipped = 0;

  constructor(features: number, periodMs: number, length = 1) {
    this.features = features;
    this.periodMs = periodMs;
    this.length = length;
    this.#latest = new Float64Array(features).fill(Number.NaN);
    this.#rows = new Float32Array(features * length);
  }

  /** Adds a sample of feature `j`; returns the end times of the windows it closed whose rows are ready. */
  add(j: number, ts: number, value: number, onRow: (end: number) => void): void {
    if (Number.isNaN(this.#windowEnd)) this.#windowEnd = Math.floor(ts / this.periodMs) * this.periodMs + this.periodMs;
    if (ts >= this.#windowEnd) this.closeUntil(ts, onRow);
    if (Number.isNaN(this.#latest[j]!)) this.#seen++;
    this.#latest[j] = value;
  }

  /** Closes every window that ends at or before `t`; at most `maxRows` rows come out (the newest). */
  closeUntil(t: number, onRow: (end: number) => void, maxRows = 8): void {
    if (Number.isNaN(this.#windowEnd) || t < this.#windowEnd) return;
    const windows = Math.floor((t - this.#windowEnd) / this.periodMs) + 1;
    const emit = Math.min(windows, maxRows);
    this.skipped += windows - emit;
    const firstEnd = this.#windowEnd + (windows - emit) * this.periodMs;
    this.#windowEnd += windows * this.periodMs;
    if (this.#seen < this.features) return;
    for (let k = 0; k < emit; k++) {
      this.#push();
      if (this.#filled >= this.length) onRow(firstEnd + k * this.periodMs);
    }
  }

  /** The newest `length` rows as the model input (oldest first). */
  input(): Float32Array {
    return Float32Array.from(this.#rows);
  }

  /** The newest row. */
  lastRow(): Float32Array {
    return this.#rows.slice((this.length - 1) * this.features);
  }

  /** Copies values and rows from a window over the same inputs, so a model swap scores the very next window. */
  inherit(from: RowWindow): void {
    if (from.features !== this.features || from.periodMs !== this.periodMs || from.length !== this.length) return;
    this.#latest.set(from.#latest);
    this.#rows.set(from.#rows);
    this.#filled = from.#filled;
    this.#windowEnd = from.#windowEnd;
    this.#seen = from.#seen;
  }

  #push(): void {
    const f = this.features;
    this.#rows.copyWithin(0, f);
    for (let j = 0; j < f; j++) this.#rows[(this.length - 1) * f + j] = this.#latest[j]!;
    if (this.#filled < this.length) this.#filled++;
  }
}
