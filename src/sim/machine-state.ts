import type { Prng } from './prng.js';

/** Machine state codes as the demo PLCs report them (the site config's stateMap reads these). */
export const MachineState = { Off: 0, Idle: 1, Running: 2, Faulted: 3 } as const;
export type MachineStateCode = (typeof MachineState)[keyof typeof MachineState];

/** Random stops of a machine: a constant hazard while running, then a random repair time. */
export class Breakdowns {
  readonly #rng: Prng;
  readonly #mtbfMs: number;
  readonly #repairMs: readonly [number, number];
  #repairLeftMs = 0;

  constructor(rng: Prng, mtbfMs: number, repairMs: readonly [number, number]) {
    this.#rng = rng;
    this.#mtbfMs = mtbfMs;
    this.#repairMs = repairMs;
  }

  get faulted(): boolean {
    return this.#repairLeftMs > 0;
  }

  /** Advances by dtMs; machines only break while they run. Returns whether it is faulted now. */
  update(dtMs: number, running: boolean): boolean {
    if (this.#repairLeftMs > 0) {
      this.#repairLeftMs = Math.max(0, this.#repairLeftMs - dtMs);
    } else if (running && this.#rng.chance(dtMs / this.#mtbfMs)) {
      this.#repairLeftMs = this.#rng.uniform(this.#repairMs[0], this.#repairMs[1]);
    }
    return this.#repairLeftMs > 0;
  }
}
