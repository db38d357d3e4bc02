import { FirstOrderLag } from './first-order-lag.js';
import { Breakdowns, MachineState, type MachineStateCode } from './machine-state.js';
import { Prng } from './prng.js';
import type { SignalDef } from './signal.js';

const MINUTE = 60_000;
const NOMINAL_DIAMETER_MM = 25;
const CYCLE_MS = 8_000;
const SPINDLE_RPM = 3_000;
/** The insert wears about 0.4 µm per part; it is changed once the offset reaches 30 µm. */
const WEAR_PER_PART_MM = 0.0004;
const WEAR_LIMIT_MM = 0.03;
const TOOL_CHANGE_MS = 90_000;

/**
 * CNC lathe turning a 25 mm shaft. Each part is gauged in process when it is
 * done; tool wear drifts the diameter upward until the tool change resets it.
 */
export class CncLathe {
  readonly name: string;
  state: MachineStateCode = MachineState.Running;
  parts = 0;
  /** Last gauged diameter, mm; NaN before the first part. */
  diameter = Number.NaN;
  /** Sim time of the last gauging, NaN before the first part. */
  measuredAt = Number.NaN;
  wearMm = 0;
  toolChanges = 0;
  readonly #rng: Prng;
  readonly #breakdowns: Breakdowns;
  readonly #spindle = new FirstOrderLag(0, 1_500);
  readonly #coolant = new FirstOrderLag(24, 900_000);
  #cycleLeftMs: number;
  #toolChangeLeftMs = 0;
  #rpm = 0;
  #load = 0;
  #coolantMeasured = 24;

  constructor(seed: number, name: string) {
    this.name = name;
    this.#rng = Prng.derive(seed, `${name}.lathe`);
    this.#breakdowns = new Breakdowns(Prng.derive(seed, `${name}.breakdowns`), 120 * MINUTE, [3 * MINUTE, 10 * MINUTE]);
    this.#cycleLeftMs = this.#nextCycle();
  }

  get running(): boolean {
    return this.state === MachineState.Running;
  }

  update(dtMs: number, time: number): void {
    const faulted = this.#breakdowns.update(dtMs, this.running);
    if (this.#toolChangeLeftMs > 0) {
      this.#toolChangeLeftMs = Math.max(0, this.#toolChangeLeftMs - dtMs);
      if (this.#toolChangeLeftMs === 0) this.wearMm = 0;
    }
    this.state = faulted ? MachineState.Faulted : this.#toolChangeLeftMs > 0 ? MachineState.Idle : MachineState.Running;

    if (this.running) {
      this.#cycleLeftMs -= dtMs;
      if (this.#cycleLeftMs <= 0) this.#finishPart(time);
    }
    const cutting = this.running;
    this.#spindle.update(cutting ? SPINDLE_RPM : 0, dtMs);
    this.#rpm = this.#spindle.value > 1 ? this.#spindle.value + this.#rng.normal(0, 4) : 0;
    // A worn edge cuts harder: spindle load rises with wear.
    this.#load = cutting ? 32 + (15 * this.wearMm) / WEAR_LIMIT_MM + this.#rng.normal(0, 1) : Math.max(0, this.#rng.normal(1, 0.3));
    this.#coolant.update(cutting ? 28 : 23, dtMs);
    this.#coolantMeasured = this.#coolant.value + this.#rng.normal(0, 0.02);
  }

  #finishPart(time: number): void {
    this.parts++;
    this.wearMm += WEAR_PER_PART_MM * this.#rng.uniform(0.8, 1.2);
    this.diameter = NOMINAL_DIAMETER_MM + this.wearMm + this.#rng.normal(0, 0.0015);
    this.measuredAt = time;
    this.#cycleLeftMs += this.#nextCycle();
    if (this.wearMm >= WEAR_LIMIT_MM) {
      this.#toolChangeLeftMs = TOOL_CHANGE_MS;
      this.toolChanges++;
    }
  }

  #nextCycle(): number {
    return CYCLE_MS + this.#rng.normal(0, 150);
  }

  get powerKw(): number {
    return this.running ? 4 + (this.#load / 100) * 18 : 1.5;
  }

  signals(): SignalDef[] {
    return [
      { point: 'state', unit: '', type: 'integer', low: 0, high: 3, decimals: 0, description: 'Lathe state (0 off, 1 idle/tool change, 2 running, 3 faulted)', read: () => this.state },
      { point: 'spindle_speed', unit: 'rpm', type: 'number', low: 0, high: 6000, decimals: 0, description: 'Spindle speed', read: () => this.#rpm, hints: { deadband: 10 } },
      { point: 'spindle_load', unit: '%', type: 'number', low: 0, high: 150, decimals: 1, description: 'Spindle load', read: () => this.#load, hints: { deadband: 1 } },
      { point: 'coolant_temp', unit: '°C', type: 'number', low: 0, high: 60, decimals: 2, description: 'Coolant temperature', read: () => this.#coolantMeasured, hints: { deadband: 0.05 } },
      { point: 'part_diameter', unit: 'mm', type: 'number', low: 24.8, high: 25.2, decimals: 3, description: 'Gauged diameter of the last part (nominal 25.000 mm)', read: () => this.diameter, measuredAt: () => this.measuredAt, hints: { range: [24.9, 25.1], retention: 'quality' } },
      { point: 'tool_wear', unit: '%', type: 'number', low: 0, high: 100, decimals: 1, description: 'Tool wear as a share of the wear limit', read: () => (100 * this.wearMm) / WEAR_LIMIT_MM, hints: { deadband: 1 } },
      { point: 'parts', unit: 'parts', type: 'integer', low: 0, high: 1e9, decimals: 0, description: 'Parts made (counter)', read: () => this.parts },
    ];
  }
}
