import { Quality } from '../core/index.js';
import { SimError } from './errors.js';
import { Prng } from './prng.js';

interface FaultTiming {
  /** Signal address, e.g. "line1.filler.product_temp". */
  address: string;
  /** Sim time (epoch ms) the fault begins; default: now. */
  start?: number;
  /** How long it lasts, ms; default: until cleared (spike: 1000 ms, one sample at 1 s polling). */
  durationMs?: number;
  /** Quality the signal reports while the fault is active; default Good (a drifting sensor does not know it drifts). */
  quality?: number;
  /** Free text kept with the fault and its events. */
  note?: string;
}

/** A sensor fault to inject into one signal. Effects add to the true value, except `stuck`, which replaces it. */
export type FaultSpec =
  | (FaultTiming & { kind: 'drift'; /** Units per minute since the start. */ ratePerMinute: number })
  | (FaultTiming & { kind: 'step'; offset: number })
  | (FaultTiming & { kind: 'spike'; magnitude: number })
  | (FaultTiming & { kind: 'stuck' })
  | (FaultTiming & { kind: 'noise'; /** Extra Gaussian sigma, engineering units. */ sigma: number });

export type FaultKind = FaultSpec['kind'];

/** An injected fault as `Plant.faults()` lists it. */
export interface FaultStatus {
  id: string;
  spec: FaultSpec;
  start: number;
  /** End time, epoch ms; Infinity until cleared. */
  end: number;
  active: boolean;
}

interface Fault extends FaultStatus {
  signal: number;
  frozen: number;
  noise: number;
  rng: Prng | null;
}

/** The faults of a plant, indexed by signal so reading an unfaulted signal costs one map lookup. */
export class FaultBook {
  readonly #bySignal = new Map<number, Fault[]>();
  readonly #all = new Map<string, Fault>();
  readonly #seed: number;
  #next = 1;

  constructor(seed: number) {
    this.#seed = seed;
  }

  add(spec: FaultSpec, signal: number, now: number, raw: number): Fault {
    const id = `fault-${this.#next++}`;
    const start = spec.start ?? now;
    const duration = spec.durationMs ?? (spec.kind === 'spike' ? 1000 : Number.POSITIVE_INFINITY);
    const fault: Fault = {
      id,
      spec: { ...spec, start },
      start,
      end: start + duration,
      active: false,
      signal,
      frozen: Number.NaN,
      noise: 0,
      rng: spec.kind === 'noise' ? Prng.derive(this.#seed, id) : null,
    };
    this.#all.set(id, fault);
    const list = this.#bySignal.get(signal);
    if (list) list.push(fault);
    else this.#bySignal.set(signal, [fault]);
    if (start <= now && now < fault.end) this.#activate(fault, raw);
    return fault;
  }

  remove(id: string): Fault | undefined {
    const fault = this.#all.get(id);
    if (!fault) return undefined;
    this.#all.delete(id);
    const list = this.#bySignal.get(fault.signal)!;
    list.splice(list.indexOf(fault), 1);
    if (list.length === 0) this.#bySignal.delete(fault.signal);
    return fault;
  }

  /** Called once per plant tick: starts due faults, draws noise, returns the faults that expired. */
  advance(now: number, raw: (signal: number) => number): Fault[] {
    if (this.#all.size === 0) return [];
    const expired: Fault[] = [];
    for (const fault of this.#all.values()) {
      if (now >= fault.end) {
        expired.push(fault);
        continue;
      }
      if (!fault.active && fault.start <= now) this.#activate(fault, raw(fault.signal));
      if (fault.active && fault.spec.kind === 'noise') fault.noise = fault.rng!.normal(0, fault.spec.sigma);
    }
    for (const fault of expired) this.remove(fault.id);
    return expired;
  }

  apply(signal: number, raw: number, now: number): number {
    const list = this.#bySignal.get(signal);
    if (!list) return raw;
    let v = raw;
    for (const f of list) {
      if (!f.active) continue;
      const s = f.spec;
      switch (s.kind) {
        case 'stuck':
          v = f.frozen;
          break;
        case 'drift':
          v += (s.ratePerMinute * (now - f.start)) / 60_000;
          break;
        case 'step':
          v += s.offset;
          break;
        case 'spike':
          v += s.magnitude;
          break;
        case 'noise':
          v += f.noise;
          break;
      }
    }
    return v;
  }

  quality(signal: number): number {
    const list = this.#bySignal.get(signal);
    let q: number = Quality.Good;
    if (list) for (const f of list) if (f.active && f.spec.quality !== undefined && f.spec.quality < q) q = f.spec.quality;
    return q;
  }

  list(): FaultStatus[] {
    return [...this.#all.values()].map(({ id, spec, start, end, active }) => ({ id, spec, start, end, active }));
  }

  #activate(fault: Fault, raw: number): void {
    fault.active = true;
    fault.frozen = raw;
    if (fault.rng && fault.spec.kind === 'noise') fault.noise = fault.rng.normal(0, fault.spec.sigma);
  }
}

/** Throws SIM_INVALID_FAULT naming the bad field. */
export function checkFaultSpec(spec: FaultSpec): void {
  const bad = (why: string): never => {
    throw new SimError('SIM_INVALID_FAULT', `fault on "${spec.address}": ${why}`);
  };
  const finite = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${name} must be a finite number, got ${String(v)}`);
  };
  if (spec.start !== undefined) finite('start', spec.start);
  if (spec.durationMs !== undefined && !(spec.durationMs > 0)) bad(`durationMs must be positive, got ${spec.durationMs}`);
  if (spec.quality !== undefined && !(Number.isInteger(spec.quality) && spec.quality >= 0 && spec.quality <= 255)) bad(`quality must be a quality byte 0..255, got ${spec.quality}`);
  switch (spec.kind) {
    case 'drift':
      return finite('ratePerMinute', spec.ratePerMinute);
    case 'step':
      return finite('offset', spec.offset);
    case 'spike':
      return finite('magnitude', spec.magnitude);
    case 'noise':
      finite('sigma', spec.sigma);
      if (spec.sigma < 0) bad('sigma must not be negative');
      return;
    case 'stuck':
      return;
    default:
      bad(`unknown kind ${JSON.stringify((spec as { kind: unknown }).kind)}; expected drift, step, spike, stuck or noise`);
  }
}
