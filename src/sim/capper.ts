import { FirstOrderLag } from './first-order-lag.js';
import type { LineTick } from './line-tick.js';
import { MachineState, type MachineStateCode } from './machine-state.js';
import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

const TORQUE_TARGET_NM = 2.2;
const TORQUE_SIGMA_NM = 0.08;
const TORQUE_WINDOW_NM: readonly [number, number] = [1.95, 2.45];

/** Screw capper: one torque reading per cap; out-of-window caps are rejected. */
export class Capper {
  state: MachineStateCode = MachineState.Idle;
  caps = 0;
  rejects = 0;
  torque = TORQUE_TARGET_NM;
  readonly #rng: Prng;
  readonly #current = new FirstOrderLag(0, 1_500);
  #currentMeasured = 0;

  constructor(rng: Prng) {
    this.#rng = rng;
  }

  update(t: LineTick): void {
    this.state = t.state;
    const running = t.state === MachineState.Running;
    const load = t.state === MachineState.Off ? 0 : running ? 3 + (2.5 * t.speedBpm) / t.nominalBpm : 1.2;
    this.#current.update(load, t.dtMs);
    this.#currentMeasured = Math.max(0, this.#current.value + (load > 0 ? this.#rng.normal(0, 0.03) : 0));
    for (let i = 0; i < t.items; i++) {
      this.torque = this.#rng.normal(TORQUE_TARGET_NM, TORQUE_SIGMA_NM);
      this.caps++;
      if (this.torque < TORQUE_WINDOW_NM[0] || this.torque > TORQUE_WINDOW_NM[1]) this.rejects++;
    }
  }

  get powerKw(): number {
    return this.#current.value * 0.55;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Capper state (0 off, 1 idle, 2 running, 3 faulted)', read: () => this.state },
      { point: 'cap_torque', unit: 'N·m', type: 'number', low: 0, high: 5, decimals: 2, description: 'Application torque of the last cap', read: () => this.torque, hints: { deadband: 0.02, retention: 'quality' } },
      { point: 'motor_current', unit: 'A', type: 'number', low: 0, high: 15, decimals: 2, description: 'Capper turret drive current', read: () => this.#currentMeasured, hints: { deadband: 0.1, retention: 'short' } },
      { point: 'caps', unit: 'caps', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Caps applied (counter)', read: () => this.caps },
      { point: 'rejects', unit: 'bottles', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Bottles rejected for cap torque (counter)', read: () => this.rejects },
    ];
  }
}
