import type { LineTick } from './line-tick.js';
import { MachineState, type MachineStateCode } from './machine-state.js';
import { MeanRevertingNoise } from './mean-reverting-noise.js';
import type { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

const DEFECT_RATE = 0.003;

/** Wrap-around labeller fed from a reel: speed follows the line, web tension wanders. */
export class Labeller {
  state: MachineStateCode = MachineState.Idle;
  labels = 0;
  defects = 0;
  readonly #rng: Prng;
  readonly #tension: MeanRevertingNoise;
  #speed = 0;

  constructor(rng: Prng) {
    this.#rng = rng;
    this.#tension = new MeanRevertingNoise(rng, 12, 0.4, 10_000);
  }

  update(t: LineTick): void {
    this.state = t.state;
    const running = t.state === MachineState.Running;
    this.#speed = running ? Math.max(0, t.speedBpm + this.#rng.normal(0, 0.5)) : 0;
    // The dancer keeps a little tension on a standing web.
    this.#tension.update(running ? 40 : t.state === MachineState.Off ? 0 : 12, t.dtMs);
    for (let i = 0; i < t.items; i++) {
      this.labels++;
      if (this.#rng.chance(DEFECT_RATE)) this.defects++;
    }
  }

  get powerKw(): number {
    return this.state === MachineState.Running ? 3.5 : this.state === MachineState.Off ? 0 : 0.6;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Labeller state (0 off, 1 idle, 2 running, 3 faulted)', read: () => this.state },
      { point: 'speed', unit: 'bottles/min', type: 'number', low: 0, high: 400, decimals: 1, description: 'Labeller speed', read: () => this.#speed, hints: { deadband: 2 } },
      { point: 'web_tension', unit: 'N', type: 'number', low: 0, high: 80, decimals: 1, description: 'Label web tension', read: () => this.#tension.value, hints: { deadband: 0.5 } },
      { point: 'labels', unit: 'labels', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Labels applied (counter)', read: () => this.labels },
      { point: 'defects', unit: 'labels', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Label defects detected (counter)', read: () => this.defects },
    ];
  }
}
