import type { CharacteristicSample } from './characteristic-evaluator.js';

/**
 * Turns two cumulative PLC counters — defectives (or defects) and units
 * inspected — into attribute samples: one point each time at least `every`
 * more units were inspected, counting the defectives of exactly those units.
 * A counter that goes backwards (PLC reset, rollover) restarts the count
 * without a point, so a reset never shows as a negative or huge rate.
 * Readings of one poll share a timestamp and may arrive in either order, so
 * a point is released by {@link CounterPair.release} after the batch.
 */
export class CounterPair {
  /** Counter resets seen. */
  resets = 0;
  private baseCount = Number.NaN;
  private baseSize = Number.NaN;
  private count = Number.NaN;
  private size = Number.NaN;
  private due = Number.NaN;

  constructor(private readonly every: number) {}

  /** A reading of the defectives counter. */
  countReading(value: number): void {
    if (!Number.isFinite(value)) return;
    if (value < this.count) this.restart();
    this.count = value;
  }

  /** A reading of the units counter at `ts`. */
  sizeReading(value: number, ts: number): void {
    if (!Number.isFinite(value)) return;
    if (value < this.size) this.restart();
    this.size = value;
    if (Number.isFinite(this.baseSize) && value - this.baseSize >= this.every) this.due = ts;
  }

  /** The point completed by the readings so far, if any; call once every reading of a poll is in. */
  release(): CharacteristicSample | undefined {
    if (Number.isNaN(this.baseSize) || Number.isNaN(this.baseCount)) {
      // The first readings of both counters only set where counting starts.
      if (Number.isFinite(this.size) && Number.isFinite(this.count)) {
        this.baseSize = this.size;
        this.baseCount = this.count;
      }
      this.due = Number.NaN;
      return undefined;
    }
    if (Number.isNaN(this.due)) return undefined;
    const sample: CharacteristicSample = { ts: this.due, value: this.count - this.baseCount, size: this.size - this.baseSize };
    this.baseSize = this.size;
    this.baseCount = this.count;
    this.due = Number.NaN;
    return sample;
  }

  private restart(): void {
    this.resets++;
    this.baseSize = Number.NaN;
    this.baseCount = Number.NaN;
    this.size = Number.NaN;
    this.count = Number.NaN;
    this.due = Number.NaN;
  }
}
