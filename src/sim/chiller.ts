import { FirstOrderLag } from './first-order-lag.js';
import { MachineState, type MachineStateCode } from './machine-state.js';
import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

/** Glycol chiller feeding the product heat exchangers; its setpoint is writable. */
export class Chiller {
  state: MachineStateCode = MachineState.Running;
  setpoint: number;
  readonly #rng: Prng;
  readonly #supply: FirstOrderLag;
  readonly #deltaT = new FirstOrderLag(2, 60_000);
  #supplyMeasured: number;
  #returnMeasured: number;
  #load = 0;

  constructor(rng: Prng, setpoint = 4) {
    this.#rng = rng;
    this.setpoint = setpoint;
    this.#supply = new FirstOrderLag(setpoint, 120_000);
    this.#supplyMeasured = setpoint;
    this.#returnMeasured = setpoint + 2;
  }

  get supply(): number {
    return this.#supply.value;
  }

  /** `load` is the share of running fillers, 0..1. */
  update(dtMs: number, load: number): void {
    this.#load = load;
    // A loaded chiller runs a little above its setpoint (proportional control offset).
    this.#supply.update(this.setpoint + 0.3 * load, dtMs);
    this.#deltaT.update(1 + 4 * load, dtMs);
    this.#supplyMeasured = this.#supply.value + this.#rng.normal(0, 0.01);
    this.#returnMeasured = this.#supply.value + this.#deltaT.value + this.#rng.normal(0, 0.01);
  }

  get powerKw(): number {
    return 15 + 30 * this.#load;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Chiller state (2 running)', read: () => this.state },
      {
        point: 'setpoint', unit: '°C', type: 'number', low: -5, high: 15, decimals: 1, description: 'Chilled water supply setpoint (writable)',
        read: () => this.setpoint,
        write: (v) => {
          this.setpoint = v;
        },
      },
      { point: 'supply_temp', unit: '°C', type: 'number', low: -10, high: 30, decimals: 2, description: 'Chilled water supply temperature', read: () => this.#supplyMeasured, hints: { deadband: 0.05 } },
      { point: 'return_temp', unit: '°C', type: 'number', low: -10, high: 30, decimals: 2, description: 'Chilled water return temperature', read: () => this.#returnMeasured, hints: { deadband: 0.05 } },
    ];
  }
}
