import { Capper } from './capper.js';
import { Filler } from './filler.js';
import { FirstOrderLag } from './first-order-lag.js';
import { Labeller } from './labeller.js';
import type { LineTick } from './line-tick.js';
import { Breakdowns, MachineState, type MachineStateCode } from './machine-state.js';
import { Prng } from './prng.js';

const MINUTE = 60_000;

/**
 * Filler → capper → labeller in series with no buffer between them: when one
 * faults, the one before it is backed up and the one after it is starved, so
 * the whole line stands (idle) until the repair.
 */
export class BottlingLine {
  readonly name: string;
  readonly nominalBpm = 300;
  readonly filler: Filler;
  readonly capper: Capper;
  readonly labeller: Labeller;
  /** False switches the line off (all machines state 0). */
  enabled = true;
  readonly #breakdowns: { filler: Breakdowns; capper: Breakdowns; labeller: Breakdowns };
  readonly #speed = new FirstOrderLag(0, 8_000);
  #pending = 0;
  /** Reused every tick: a 500-line plant would otherwise allocate 15,000 objects a second. */
  readonly #tick: LineTick = { dtMs: 0, state: MachineState.Idle, items: 0, speedBpm: 0, nominalBpm: this.nominalBpm, chillerSupplyC: 0 };

  constructor(seed: number, name: string, chillerSupplyC: number) {
    this.name = name;
    this.filler = new Filler(Prng.derive(seed, `${name}.filler`), chillerSupplyC);
    this.capper = new Capper(Prng.derive(seed, `${name}.capper`));
    this.labeller = new Labeller(Prng.derive(seed, `${name}.labeller`));
    const rng = Prng.derive(seed, `${name}.breakdowns`);
    this.#breakdowns = {
      filler: new Breakdowns(rng, 45 * MINUTE, [0.5 * MINUTE, 5 * MINUTE]),
      capper: new Breakdowns(rng, 30 * MINUTE, [0.5 * MINUTE, 4 * MINUTE]),
      labeller: new Breakdowns(rng, 60 * MINUTE, [0.5 * MINUTE, 6 * MINUTE]),
    };
  }

  get running(): boolean {
    return this.filler.state === MachineState.Running;
  }

  update(dtMs: number, chillerSupplyC: number): void {
    const b = this.#breakdowns;
    const f = b.filler.update(dtMs, this.filler.state === MachineState.Running);
    const c = b.capper.update(dtMs, this.capper.state === MachineState.Running);
    const l = b.labeller.update(dtMs, this.labeller.state === MachineState.Running);
    const running = this.enabled && !f && !c && !l;
    const stateOf = (own: boolean): MachineStateCode =>
      !this.enabled ? MachineState.Off : own ? MachineState.Faulted : running ? MachineState.Running : MachineState.Idle;

    const speedBpm = this.#speed.update(running ? this.nominalBpm : 0, dtMs);
    let items = 0;
    if (running) {
      this.#pending += (speedBpm * dtMs) / MINUTE;
      items = Math.floor(this.#pending);
      this.#pending -= items;
    }
    const tick = this.#tick;
    tick.dtMs = dtMs;
    tick.items = items;
    tick.speedBpm = speedBpm;
    tick.chillerSupplyC = chillerSupplyC;
    tick.state = stateOf(f);
    this.filler.update(tick);
    tick.state = stateOf(c);
    this.capper.update(tick);
    tick.state = stateOf(l);
    this.labeller.update(tick);
  }

  get powerKw(): number {
    return this.filler.powerKw + this.capper.powerKw + this.labeller.powerKw;
  }
}
