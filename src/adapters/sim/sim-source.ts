import { Quality, SampleBatchBuilder, type ComponentHealth, type SampleBatch, type Source, type TagRegistry } from '../../core/index.js';
import type { DeviceConfig } from '../../config/index.js';
import type { Plant } from '../../sim/index.js';
import { SimSourceConfigError } from './errors.js';
import { SourceHealth } from '../source-health.js';
import { InterruptibleWait } from '../interruptible-wait.js';

/** What a sim source reads and how. */
export interface SimSourceOptions {
  /** A device of the site config with protocol "sim"; each tag's `address` names a plant signal. */
  device: DeviceConfig;
  /** The node's registry; every tag of the device must be defined in it. */
  tags: TagRegistry;
  /** The plant, shared by all sim devices of the node. */
  plant: Plant;
  /** Wall clock, epoch ms. Default Date.now. */
  now?: () => number;
  /**
   * true (default): one batch every `device.interval` of wall time, the plant advanced to `now()`.
   * false: batches as fast as they are pulled, each advancing the plant by one interval of sim time (benches, tests).
   */
  realtime?: boolean;
}

interface Binding {
  tag: number;
  signal: number;
  boolean: boolean;
  measured: boolean;
  /** Sample time of the last measurement sent, so each part is reported once. */
  lastMeasured: number;
}

/**
 * Creates a source that samples the simulated plant. Throws
 * SimSourceConfigError when the device's addresses or tags do not fit.
 */
export function createSimSource(options: SimSourceOptions): Source {
  const { device, tags, plant } = options;
  if (device.protocol !== 'sim') {
    throw new SimSourceConfigError('SIM_WRONG_PROTOCOL', device.id, [{ path: 'protocol', message: `expected "sim", got "${String(device.protocol)}"` }]);
  }
  const unknownAddress: { path: string; message: string }[] = [];
  const unknownTag: { path: string; message: string }[] = [];
  const badType: { path: string; message: string }[] = [];
  const bindings: Binding[] = [];
  const info = new Map(plant.signals().map((s) => [s.address, s]));
  device.tags.forEach((t, i) => {
    const signal = plant.resolve(t.address);
    const tag = tags.index(t.id);
    if (signal === undefined) unknownAddress.push({ path: `tags[${i}].address`, message: `the plant has no signal "${t.address}" (tag ${t.id})` });
    if (tag === undefined) unknownTag.push({ path: `tags[${i}].id`, message: `tag "${t.id}" is not defined in the tag registry` });
    if (t.type === 'string') badType.push({ path: `tags[${i}].type`, message: `sim signals are numeric; declare tag "${t.id}" as number, integer or boolean` });
    if (signal !== undefined && tag !== undefined) {
      bindings.push({ tag, signal, boolean: t.type === 'boolean', measured: info.get(t.address)!.measured, lastMeasured: Number.NEGATIVE_INFINITY });
    }
  });
  if (unknownAddress.length > 0) {
    const valid = [...info.keys()];
    const shown = valid.slice(0, 40);
    const hint = `valid addresses: ${shown.join(', ')}${valid.length > shown.length ? `, … (${valid.length} in all; see Plant.signals())` : ''}`;
    throw new SimSourceConfigError('SIM_UNKNOWN_ADDRESS', device.id, unknownAddress, valid, hint);
  }
  if (unknownTag.length > 0) throw new SimSourceConfigError('SIM_UNKNOWN_TAG', device.id, unknownTag);
  if (badType.length > 0) throw new SimSourceConfigError('SIM_UNSUPPORTED_TYPE', device.id, badType);
  return new SimSource(device, plant, bindings, options.now ?? Date.now, options.realtime ?? true);
}

class SimSource implements Source {
  readonly name: string;
  readonly #device: DeviceConfig;
  readonly #plant: Plant;
  readonly #bindings: Binding[];
  readonly #now: () => number;
  readonly #realtime: boolean;
  #closed = false;
  readonly #wait = new InterruptibleWait();
  readonly #health: SourceHealth;
  #batches = 0;
  #samples = 0;

  constructor(device: DeviceConfig, plant: Plant, bindings: Binding[], now: () => number, realtime: boolean) {
    this.name = `sim:${device.id}`;
    this.#device = device;
    this.#plant = plant;
    this.#bindings = bindings;
    this.#now = now;
    this.#realtime = realtime;
    this.#health = new SourceHealth(now);
  }

  async *batches(): AsyncIterable<SampleBatch> {
    const interval = this.#device.interval;
    const start = this.#now();
    let simTarget = this.#plant.time;
    try {
      for (let k = 1; !this.#closed; k++) {
        if (this.#realtime) {
          // Due times are fixed from the start, so a slow consumer does not make the interval drift.
          const wait = start + k * interval - this.#now();
          if (wait > 0) await this.#wait.sleep(wait);
          else if (wait < -interval) k += Math.floor(-wait / interval); // fell behind: skip, don't burst
          if (this.#closed) return;
          this.#plant.advanceTo(this.#now());
        } else {
          // Let timers and I/O run between batches even when the consumer never waits.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.#closed) return;
          simTarget = Math.max(simTarget + interval, this.#plant.time);
          this.#plant.advanceTo(simTarget, Number.POSITIVE_INFINITY);
        }
        const batch = this.#sample();
        if (batch.length > 0) yield batch;
      }
    } finally {
      this.#health.set('stopped');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wait.close();
    this.#health.set('stopped');
  }

  health(): ComponentHealth {
    return {
      ...this.#health.current,
      details: { device: this.#device.id, tags: this.#bindings.length, batches: this.#batches, samples: this.#samples, plantTime: this.#plant.time },
    };
  }

  #sample(): SampleBatch {
    const plant = this.#plant;
    const arrival = this.#now();
    const out = new SampleBatchBuilder(this.#bindings.length);
    let bad = 0;
    for (const b of this.#bindings) {
      const ts = plant.sampleTimeAt(b.signal);
      if (b.measured) {
        // A gauge reports each part once, when it is measured.
        if (!(ts > b.lastMeasured)) continue;
        b.lastMeasured = ts;
      }
      let value = plant.valueAt(b.signal);
      let quality = plant.qualityAt(b.signal);
      if (!Number.isFinite(value)) quality = Quality.BadSensorFailure;
      else if (b.boolean) value = value !== 0 ? 1 : 0;
      if (quality < Quality.Uncertain) bad++;
      out.push(b.tag, ts, value, quality, arrival);
    }
    this.#batches++;
    this.#samples += out.length;
    if (bad > 0) this.#health.set('degraded', `${bad} of ${out.length} samples have bad quality (simulated sensor faults)`);
    else this.#health.set('up');
    return out.build();
  }

}
