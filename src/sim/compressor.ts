import { FirstOrderLag } from './first-order-lag.js';
import { MachineState, type MachineStateCode } from './machine-state.js';
import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

/** Load below this pressure, unload above it (bar g). */
export const COMPRESSOR_BAND: readonly [number, number] = [6.5, 7.5];
/** How fast the receiver pressure moves for the whole free-air capacity, bar/s. */
const RECEIVER_BAR_PER_S = 0.03;

/**
 * Screw compressor with load/unload control over an air receiver: it loads at
 * the low pressure, runs until the high pressure, then unloads while the
 * plant draws the receiver down again.
 */
export class Compressor {
  state: MachineStateCode = MachineState.Running;
  pressure = 7;
  /** Free-air delivery when loaded, m³/min. */
  readonly capacity: number;
  readonly #rng: Prng;
  readonly #current = new FirstOrderLag(45, 1_000);
  readonly #discharge = new FirstOrderLag(70, 180_000);
  #pressureMeasured = 7;
  #currentMeasured = 45;
  #dischargeMeasured = 70;

  constructor(rng: Prng, capacity: number) {
    this.#rng = rng;
    this.capacity = capacity;
  }

  get loaded(): boolean {
    return this.state === MachineState.Running;
  }

  /** `demand` is the air the plant draws, m³/min. */
  update(dtMs: number, demand: number): void {
    const supply = this.loaded ? this.capacity : 0;
    this.pressure += ((supply - demand) / this.capacity) * RECEIVER_BAR_PER_S * (dtMs / 1000);
    if (this.pressure <= COMPRESSOR_BAND[0]) this.state = MachineState.Running;
    else if (this.pressure >= COMPRESSOR_BAND[1]) this.state = MachineState.Idle;
    this.#current.update(this.loaded ? 120 : 45, dtMs);
    this.#discharge.update(this.loaded ? 82 : 65, dtMs);
    this.#pressureMeasured = this.pressure + this.#rng.normal(0, 0.002);
    this.#currentMeasured = this.#current.value + this.#rng.normal(0, 0.4);
    this.#dischargeMeasured = this.#discharge.value + this.#rng.normal(0, 0.03);
  }

  get powerKw(): number {
    return this.#current.value * 0.6;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Compressor state (1 unloaded, 2 loaded, 3 faulted)', read: () => this.state },
      { point: 'pressure', unit: 'bar', type: 'number', low: 0, high: 10, decimals: 3, description: 'Receiver pressure (gauge)', read: () => this.#pressureMeasured, hints: { deadband: 0.01, range: [5.5, 8.5] } },
      { point: 'motor_current', unit: 'A', type: 'number', low: 0, high: 200, decimals: 1, description: 'Compressor motor current', read: () => this.#currentMeasured, hints: { deadband: 1, retention: 'short' } },
      { point: 'discharge_temp', unit: '°C', type: 'number', low: 0, high: 120, decimals: 2, description: 'Air-end discharge temperature', read: () => this.#dischargeMeasured, hints: { deadband: 0.1 } },
    ];
  }
}
