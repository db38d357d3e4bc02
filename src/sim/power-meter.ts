import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

/** The plant's main incomer meter: active power and an energy counter. */
export class PowerMeter {
  activeKw = 0;
  energyKwh = 0;
  readonly #rng: Prng;
  #measuredKw = 0;

  constructor(rng: Prng) {
    this.#rng = rng;
  }

  /** `loadKw` is the sum of the machines' power plus building base load. */
  update(dtMs: number, loadKw: number): void {
    this.activeKw = loadKw;
    this.#measuredKw = loadKw + this.#rng.normal(0, 0.3);
    this.energyKwh += (loadKw * dtMs) / 3_600_000;
  }

  signals(): SignalDef[] {
    return [
      { point: 'active_kw', unit: 'kW', type: 'number', low: 0, high: 20_000, decimals: 1, description: 'Plant active power', read: () => this.#measuredKw, hints: { deadband: 1 } },
      { point: 'energy_kwh', unit: 'kWh', type: 'number', low: 0, high: 1e12, decimals: 2, description: 'Plant active energy (counter)', read: () => this.energyKwh },
    ];
  }
}
