import { createEvent, type FabrikEvent } from '../core/index.js';
import { BottlingLine } from './bottling-line.js';
import { Chiller } from './chiller.js';
import { CncLathe } from './cnc-lathe.js';
import { Compressor } from './compressor.js';
import { SimError } from './errors.js';
import { checkFaultSpec, FaultBook, type FaultSpec, type FaultStatus } from './faults.js';
import { PowerMeter } from './power-meter.js';
import { Prng } from './prng.js';
import type { SignalDef, SignalInfo } from './signal.js';

/** How the demo plant is built. */
export interface PlantOptions {
  /** PRNG seed; the same seed and the same stepping give the same series. Default 1. */
  seed?: number;
  /** Number of bottling lines, line1..lineN. Default 1. */
  lines?: number;
  /** Sim time at construction, epoch ms. Default 0; `advanceTo(Date.now())` catches up (see maxCatchUpMs). */
  startTime?: number;
  /** Model tick, ms. Default 100. Sim time only ever moves in whole ticks. */
  tickMs?: number;
  /** `advanceTo` simulates at most this much of a gap and skips the rest. Default 10 s. */
  maxCatchUpMs?: number;
  /** First two asset path segments. Defaults "acme" and "demo". */
  enterprise?: string;
  site?: string;
}

/** Equipment of the plant, for the site config's asset list. */
export interface PlantAsset {
  path: string;
  kind: 'enterprise' | 'site' | 'area' | 'line' | 'cell' | 'machine' | 'utility';
  description: string;
  /** Address of the machine's state signal (0 off, 1 idle, 2 running, 3 faulted). */
  stateAddress?: string;
}

interface Signal {
  info: SignalInfo;
  def: SignalDef;
  scale: number;
}

const AIR_BASE = 2;
const AIR_PER_LINE = 1.2;
const AIR_PER_LATHE = 0.5;
const BASE_LOAD_KW = 35;

/**
 * The demo plant: bottling lines, a CNC cell and utilities, advanced in
 * simulated time. Sim time moves only in whole ticks and every random draw
 * happens inside a tick, so values depend on the seed and the sim time alone,
 * never on who reads them or how often: several sources can share one plant.
 */
export class Plant {
  readonly seed: number;
  readonly tickMs: number;
  readonly #lines: readonly BottlingLine[];
  readonly #lathe: CncLathe;
  readonly #chiller: Chiller;
  readonly #compressor: Compressor;
  readonly #power: PowerMeter;
  readonly #signals: Signal[] = [];
  readonly #byAddress = new Map<string, number>();
  readonly #assets: PlantAsset[] = [];
  readonly #faults: FaultBook;
  readonly #listeners = new Set<(event: FabrikEvent) => void>();
  readonly #maxCatchUpMs: number;
  #time: number;
  #requested: number;

  constructor(options: PlantOptions = {}) {
    const lines = options.lines ?? 1;
    const tickMs = options.tickMs ?? 100;
    if (!Number.isInteger(lines) || lines < 0) throw new SimError('SIM_INVALID_OPTION', `lines must be a whole number ≥ 0, got ${lines}`);
    if (!(tickMs > 0)) throw new SimError('SIM_INVALID_OPTION', `tickMs must be positive, got ${tickMs}`);
    this.seed = options.seed ?? 1;
    this.tickMs = tickMs;
    this.#maxCatchUpMs = options.maxCatchUpMs ?? 10_000;
    this.#time = this.#requested = options.startTime ?? 0;
    this.#faults = new FaultBook(this.seed);

    this.#chiller = new Chiller(Prng.derive(this.seed, 'utilities.chiller1'));
    this.#lines = Array.from({ length: lines }, (_, i) => new BottlingLine(this.seed, `line${i + 1}`, this.#chiller.supply));
    this.#lathe = new CncLathe(this.seed, 'cnc1');
    this.#compressor = new Compressor(Prng.derive(this.seed, 'utilities.compressor1'), (AIR_BASE + AIR_PER_LINE * lines + AIR_PER_LATHE) * 1.6);
    this.#power = new PowerMeter(Prng.derive(this.seed, 'utilities.power'));

    const root = `${options.enterprise ?? 'acme'}/${options.site ?? 'demo'}`;
    this.#asset(root.split('/')[0]!, 'enterprise', 'Enterprise');
    this.#asset(root, 'site', 'Demo plant: bottling, machining and utilities');
    this.#asset(`${root}/bottling`, 'area', 'Bottling hall');
    for (const line of this.#lines) {
      const path = `${root}/bottling/${line.name}`;
      this.#asset(path, 'line', `Bottling ${line.name}: filler → capper → labeller`);
      this.#machine(`${path}/filler`, 'machine', 'Rotary filler', `${line.name}.filler`, line.filler.signals());
      this.#machine(`${path}/capper`, 'machine', 'Screw capper', `${line.name}.capper`, line.capper.signals());
      this.#machine(`${path}/labeller`, 'machine', 'Wrap-around labeller', `${line.name}.labeller`, line.labeller.signals());
    }
    this.#asset(`${root}/machining`, 'area', 'Machining hall');
    this.#asset(`${root}/machining/cnc1`, 'cell', 'CNC cell 1');
    this.#machine(`${root}/machining/cnc1/lathe`, 'machine', 'CNC lathe turning 25 mm shafts', 'cnc1.lathe', this.#lathe.signals());
    this.#asset(`${root}/utilities`, 'area', 'Utilities');
    this.#machine(`${root}/utilities/compressor1`, 'utility', 'Screw air compressor', 'utilities.compressor1', this.#compressor.signals());
    this.#machine(`${root}/utilities/chiller1`, 'utility', 'Glycol chiller', 'utilities.chiller1', this.#chiller.signals());
    this.#machine(`${root}/utilities/power`, 'utility', 'Main incomer power meter', 'utilities.power', this.#power.signals());
  }

  /** Current sim time, epoch ms (always a whole number of ticks from the start). */
  get time(): number {
    return this.#time;
  }

  /** Advances sim time by dtMs (fractions of a tick carry over to the next call). */
  step(dtMs: number): void {
    this.#run(this.#requested + dtMs, Number.POSITIVE_INFINITY);
  }

  /**
   * Advances sim time to `t` (epoch ms); never goes back, so every source
   * sharing the plant may call it. A gap longer than maxCatchUpMs is skipped
   * except for its last `maxCatchUpMs` (default: the plant option).
   */
  advanceTo(t: number, maxCatchUpMs = this.#maxCatchUpMs): void {
    this.#run(t, maxCatchUpMs);
  }

  signals(): SignalInfo[] {
    return this.#signals.map((s) => s.info);
  }

  assets(): PlantAsset[] {
    return [...this.#assets];
  }

  has(address: string): boolean {
    return this.#byAddress.has(address);
  }

  /** Index of a signal for the fast `valueAt`/`qualityAt`, or undefined. */
  resolve(address: string): number | undefined {
    return this.#byAddress.get(address);
  }

  /** Value as the sensor reports it: faults applied, rounded to its resolution. */
  valueAt(index: number): number {
    const s = this.#signals[index]!;
    const v = this.#faults.apply(index, s.def.read(), this.#time);
    return Math.round(v * s.scale) / s.scale;
  }

  qualityAt(index: number): number {
    return this.#faults.quality(index);
  }

  /** Time of the value: now for continuous signals, the measurement time (NaN before the first) for per-item ones. */
  sampleTimeAt(index: number): number {
    const at = this.#signals[index]!.def.measuredAt;
    return at ? at() : this.#time;
  }

  read(address: string): number {
    return this.valueAt(this.#index(address));
  }

  quality(address: string): number {
    return this.qualityAt(this.#index(address));
  }

  /** Writes a writable signal (a setpoint), as an operator would through the PLC. */
  write(address: string, value: number): void {
    const s = this.#signals[this.#index(address)]!;
    if (!s.def.write) throw new SimError('SIM_NOT_WRITABLE', `signal "${address}" is read-only; writable signals: ${this.#signals.filter((x) => x.info.writable).map((x) => x.info.address).join(', ')}`);
    if (!Number.isFinite(value) || value < s.info.low || value > s.info.high) {
      throw new SimError('SIM_INVALID_OPTION', `value ${value} for "${address}" is outside its range ${s.info.low}..${s.info.high}`);
    }
    s.def.write(value);
  }

  /** Injects a sensor fault; returns its id. Emits a "sim.fault" event. */
  injectFault(spec: FaultSpec): string {
    const index = this.#index(spec.address);
    checkFaultSpec(spec);
    const fault = this.#faults.add(spec, index, this.#time, this.#signals[index]!.def.read());
    this.#emit(index, 'injected', fault);
    return fault.id;
  }

  /** Clears a fault (the signal returns to its true value); false if no such fault is active or pending. */
  clearFault(id: string): boolean {
    const fault = this.#faults.remove(id);
    if (!fault) return false;
    this.#emit(fault.signal, 'cleared', fault);
    return true;
  }

  faults(): FaultStatus[] {
    return this.#faults.list();
  }

  /** Subscribes to the plant's events (fault injection, clearing, expiry); returns the unsubscribe function. */
  onEvent(listener: (event: FabrikEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #run(target: number, maxCatchUpMs: number): void {
    if (target <= this.#requested) return;
    this.#requested = target;
    const gap = target - this.#time;
    if (gap > maxCatchUpMs) this.#time += Math.floor((gap - maxCatchUpMs) / this.tickMs) * this.tickMs;
    while (this.#time + this.tickMs <= target) this.#tick();
  }

  #tick(): void {
    const dt = this.tickMs;
    const t = this.#time + dt;
    let running = 0;
    for (const line of this.#lines) if (line.running) running++;
    this.#chiller.update(dt, this.#lines.length > 0 ? running / this.#lines.length : 0);
    let kw = BASE_LOAD_KW;
    for (const line of this.#lines) {
      line.update(dt, this.#chiller.supply);
      kw += line.powerKw;
    }
    this.#lathe.update(dt, t);
    this.#compressor.update(dt, AIR_BASE + AIR_PER_LINE * running + (this.#lathe.running ? AIR_PER_LATHE : 0));
    kw += this.#lathe.powerKw + this.#compressor.powerKw + this.#chiller.powerKw;
    this.#power.update(dt, kw);
    this.#time = t;
    for (const fault of this.#faults.advance(t, (i) => this.#signals[i]!.def.read())) this.#emit(fault.signal, 'expired', fault);
  }

  #index(address: string): number {
    const index = this.#byAddress.get(address);
    if (index === undefined) {
      throw new SimError('SIM_UNKNOWN_ADDRESS', `the plant has no signal "${address}"; see Plant.signals() for the ${this.#signals.length} addresses`);
    }
    return index;
  }

  #emit(index: number, action: 'injected' | 'cleared' | 'expired', fault: FaultStatus): void {
    const s = this.#signals[index]!.info;
    const event = createEvent({
      kind: 'sim.fault',
      ts: this.#time,
      assetPath: s.assetPath,
      severity: 'info',
      message: `simulated ${fault.spec.kind} fault ${fault.id} ${action} on ${s.address}`,
      payload: { action, faultId: fault.id, address: s.address, spec: { ...fault.spec }, start: fault.start, end: Number.isFinite(fault.end) ? fault.end : null },
    });
    for (const fn of this.#listeners) fn(event);
  }

  #asset(path: string, kind: PlantAsset['kind'], description: string, stateAddress?: string): void {
    this.#assets.push(stateAddress ? { path, kind, description, stateAddress } : { path, kind, description });
  }

  #machine(path: string, kind: PlantAsset['kind'], description: string, prefix: string, defs: SignalDef[]): void {
    const hasState = defs.some((d) => d.point === 'state');
    this.#asset(path, kind, description, hasState ? `${prefix}.state` : undefined);
    for (const def of defs) {
      const address = `${prefix}.${def.point}`;
      this.#byAddress.set(address, this.#signals.length);
      this.#signals.push({
        def,
        scale: 10 ** def.decimals,
        info: {
          address,
          unit: def.unit,
          type: def.type,
          low: def.low,
          high: def.high,
          resolution: 10 ** -def.decimals,
          assetPath: path,
          description: def.description,
          writable: def.write !== undefined,
          measured: def.measuredAt !== undefined,
          hints: def.hints ?? {},
        },
      });
    }
  }
}

/** Builds the demo plant. */
export function createPlant(options: PlantOptions = {}): Plant {
  return new Plant(options);
}
