import type { Prng } from './prng.js';

/**
 * An Ornstein–Uhlenbeck process: a value that wanders around a mean with a
 * stationary standard deviation `sigma` and correlation time `tauMs`. Real
 * process values wander like this; white noise alone compresses unrealistically badly.
 */
export class MeanRevertingNoise {
  value: number;
  readonly tauMs: number;
  readonly sigma: number;
  readonly #rng: Prng;
  #dtMs = Number.NaN;
  #a = 0;
  #b = 0;

  constructor(rng: Prng, mean: number, sigma: number, tauMs: number) {
    this.#rng = rng;
    this.value = mean;
    this.sigma = sigma;
    this.tauMs = tauMs;
  }

  update(mean: number, dtMs: number): number {
    if (dtMs !== this.#dtMs) {
      this.#dtMs = dtMs;
      this.#a = Math.exp(-dtMs / this.tauMs);
      this.#b = this.sigma * Math.sqrt(1 - this.#a * this.#a);
    }
    this.value = mean + (this.value - mean) * this.#a + this.#b * this.#rng.normal();
    return this.value;
  }
}
