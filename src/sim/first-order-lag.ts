/**
 * A first-order lag (PT1): the value approaches its target with time constant
 * `tauMs`. The exact exponential discretisation makes the result independent
 * of the tick length, so a plant stepped in 100 ms or 1 s ticks agrees.
 */
export class FirstOrderLag {
  value: number;
  readonly tauMs: number;
  // exp() is the hot spot of a 500-line plant; the tick length rarely changes.
  #dtMs = Number.NaN;
  #factor = 0;

  constructor(initial: number, tauMs: number) {
    this.value = initial;
    this.tauMs = tauMs;
  }

  update(target: number, dtMs: number): number {
    if (dtMs !== this.#dtMs) {
      this.#dtMs = dtMs;
      this.#factor = Math.exp(-dtMs / this.tauMs);
    }
    this.value = target + (this.value - target) * this.#factor;
    return this.value;
  }
}
