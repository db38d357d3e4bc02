/**
 * How late polls start against their fixed grid, over the last `size` polls:
 * the poll jitter an engineer asks about when a fast tag looks uneven.
 */
export class PollLateness {
  readonly #ring: Float64Array;
  #n = 0;

  constructor(size = 1024) {
    this.#ring = new Float64Array(size);
  }

  record(lateMs: number): void {
    this.#ring[this.#n++ % this.#ring.length] = Math.max(0, lateMs);
  }

  /** p50/p99/max in ms over the window; null before the first poll. */
  summary(): { p50: number; p99: number; max: number; polls: number } | null {
    const count = Math.min(this.#n, this.#ring.length);
    if (count === 0) return null;
    const sorted = this.#ring.slice(0, count).sort();
    const at = (p: number): number => Math.round(sorted[Math.min(count - 1, Math.floor(p * count))]! * 10) / 10;
    return { p50: at(0.5), p99: at(0.99), max: at(1), polls: this.#n };
  }
}
