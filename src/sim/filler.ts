import { FirstOrderLag } from './first-order-lag.js';
import type { LineTick } from './line-tick.js';
import { MachineState, type MachineStateCode } from './machine-state.js';
import { MeanRevertingNoise } from './mean-reverting-noise.js';
import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

const FILL_TARGET_ML = 500;
const FILL_SIGMA_ML = 1.4;
/** Bottles outside ±4 mL are rejected by the fill-level inspection. */
const FILL_TOLERANCE_ML = 4;

/** Rotary filler: product bowl, filling valves, main drive. */
export class Filler {
  state: MachineStateCode = MachineState.Idle;
  bottles = 0;
  rejects = 0;
  fillVolume = FILL_TARGET_ML;
  readonly #rng: Prng;
  /** Product temperature at the bowl: a heat exchanger behind a chiller, so slow. */
  readonly #temp: FirstOrderLag;
  #tempMeasured: number;
  readonly #level: MeanRevertingNoise;
  readonly #pressure: MeanRevertingNoise;
  readonly #current = new FirstOrderLag(0, 2_000);
  #flow = 0;
  #currentMeasured = 0;

  constructor(rng: Prng, chillerSupplyC: number) {
    this.#rng = rng;
    this.#temp = new FirstOrderLag(chillerSupplyC + 1.5, 600_000);
    this.#tempMeasured = this.#temp.value;
    this.#level = new MeanRevertingNoise(rng, 60, 1.5, 20_000);
    this.#pressure = new MeanRevertingNoise(rng, 1.2, 0.01, 15_000);
  }

  update(t: LineTick): void {
    this.state = t.state;
    const running = t.state === MachineState.Running;
    // Product sitting in the bowl warms a little when the line stands.
    this.#temp.update(t.chillerSupplyC + (running ? 1.5 : 2.5), t.dtMs);
    this.#tempMeasured = this.#temp.value + this.#rng.normal(0, 0.02);
    this.#level.update(running ? 60 : 66, t.dtMs);
    this.#pressure.update(t.state === MachineState.Off ? 0 : 1.2, t.dtMs);
    this.#flow = running ? (t.speedBpm * FILL_TARGET_ML) / 1000 + this.#rng.normal(0, 0.4) : 0;
    const load = t.state === MachineState.Off ? 0 : running ? 8 + (6 * t.speedBpm) / t.nominalBpm : 2;
    this.#current.update(load, t.dtMs);
    // Noise is drawn here, never in read(): reading must not advance the PRNG.
    this.#currentMeasured = Math.max(0, this.#current.value + (load > 0 ? this.#rng.normal(0, 0.05) : 0));
    for (let i = 0; i < t.items; i++) {
      this.fillVolume = this.#rng.normal(FILL_TARGET_ML, FILL_SIGMA_ML);
      this.bottles++;
      if (Math.abs(this.fillVolume - FILL_TARGET_ML) > FILL_TOLERANCE_ML) this.rejects++;
    }
  }

  get powerKw(): number {
    return this.#current.value * 0.55;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Filler state (0 off, 1 idle, 2 running, 3 faulted)', read: () => this.state },
      { point: 'product_temp', unit: '°C', type: 'number', low: -5, high: 40, decimals: 2, description: 'Product temperature in the filler bowl', read: () => this.#tempMeasured, hints: { deadband: 0.05, range: [-2, 30] } },
      { point: 'bowl_level', unit: '%', type: 'number', low: 0, high: 100, decimals: 1, description: 'Filler bowl level', read: () => this.#level.value, hints: { deadband: 0.5 } },
      { point: 'bowl_pressure', unit: 'bar', type: 'number', low: 0, high: 4, decimals: 3, description: 'Filler bowl counter-pressure', read: () => this.#pressure.value, hints: { deadband: 0.005 } },
      { point: 'flow', unit: 'L/min', type: 'number', low: 0, high: 300, decimals: 1, description: 'Product flow into the filler', read: () => this.#flow, hints: { deadband: 1 } },
      { point: 'fill_volume', unit: 'mL', type: 'number', low: 450, high: 550, decimals: 1, description: 'Fill volume of the last bottle', read: () => this.fillVolume, hints: { deadband: 0.2, range: [480, 520], retention: 'quality' } },
      { point: 'motor_current', unit: 'A', type: 'number', low: 0, high: 30, decimals: 2, description: 'Filler main drive current', read: () => this.#currentMeasured, hints: { deadband: 0.1, retention: 'short' } },
      { point: 'bottles', unit: 'bottles', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Bottles filled (counter)', read: () => this.bottles },
      { point: 'rejects', unit: 'bottles', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Bottles rejected for fill level (counter)', read: () => this.rejects },
    ];
  }
}
