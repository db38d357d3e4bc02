import type { Logger } from 'pino';
import { Quality, SampleBatchBuilder, type ComponentHealth, type SampleBatch, type Source, type TagRegistry, type TagWriter, type WriteResult } from '../../core/index.js';
import type { DeviceConfig } from '../../config/index.js';
import { modbusRegisterOf, type ModbusDeviceConfig } from '../../config/protocols/modbus.js';
import { ModbusError, ModbusExceptionError } from './errors.js';
import { exceptionQuality, isTransientException } from './exception-quality.js';
import { ModbusLink } from './modbus-link.js';
import { planReads, type PlannedRead } from './read-planner.js';
import { decodeRegisters, REGISTER_WIDTH, registerBit } from './register-codec.js';
import type { ModbusBinding } from './tag-binding.js';
import { writeModbusTag } from './tag-write.js';
import { PollLateness } from './poll-lateness.js';
import { SourceHealth } from '../source-health.js';
import { InterruptibleWait } from '../interruptible-wait.js';

export interface ModbusSourceOptions {
  /** A device of the site config with protocol "modbus". */
  device: DeviceConfig;
  /** The node's registry; every tag of the device must be defined in it. */
  tags: TagRegistry;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Wall clock, epoch ms. Default Date.now. */
  now?: () => number;
}

interface PollGroup {
  interval: number;
  bindings: ModbusBinding[];
  reads: PlannedRead[];
  due: number;
}

type Cause = 'timeout' | 'connection' | `exception-${number}` | 'split-read';

/**
 * Polls one Modbus TCP device: tags grouped by poll interval, each group read
 * with the fewest requests (see planReads), failures turned into quality and
 * a lost connection into a BadNotConnected marker per tag, then reconnected
 * with backoff. One source per device, so a slow device delays only itself.
 */
export function createModbusSource(options: ModbusSourceOptions): Source & TagWriter {
  const { device, tags } = options;
  if (device.protocol !== 'modbus') throw new ModbusError('MODBUS_WRONG_PROTOCOL', device.id, `expected protocol "modbus", got "${device.protocol}"`);
  const missing = device.tags.filter((t) => tags.index(t.id) === undefined).map((t) => t.id);
  if (missing.length > 0) throw new ModbusError('MODBUS_UNKNOWN_TAG', device.id, `tags not defined in the registry: ${missing.join(', ')}`);
  return new ModbusSource(device, options);
}

class ModbusSource implements Source, TagWriter {
  readonly name: string;
  readonly #device: ModbusDeviceConfig;
  readonly #link: ModbusLink;
  readonly #groups: PollGroup[];
  readonly #byTag = new Map<number, ModbusBinding>();
  readonly #all: ModbusBinding[] = [];
  readonly #now: () => number;
  readonly #logger: Pick<Logger, 'warn' | 'info'> | undefined;
  readonly #causes = new Map<Cause, number>();
  #closed = false;
  readonly #wait = new InterruptibleWait();
  readonly #health: SourceHealth;
  #reconnects = 0;
  #requests = 0;
  #samples = 0;
  readonly #lateness = new PollLateness();
  #markedDisconnected = false;
  #everConnected = false;

  constructor(device: ModbusDeviceConfig, options: ModbusSourceOptions) {
    this.name = `modbus:${device.id}`;
    this.#device = device;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
    const o = device.options;
    this.#link = new ModbusLink({ device: device.id, host: o.host, port: o.port, unitId: o.unitId, timeoutMs: o.timeout });
    const byInterval = new Map<number, ModbusBinding[]>();
    for (const t of device.tags) {
      const register = modbusRegisterOf(t.address);
      const b: ModbusBinding = { tag: options.tags.index(t.id)!, config: t, register, order: register.order ?? o.order, width: REGISTER_WIDTH[register.type], last: Number.NaN };
      this.#byTag.set(b.tag, b);
      this.#all.push(b);
      const interval = t.interval ?? device.interval;
      byInterval.set(interval, [...(byInterval.get(interval) ?? []), b]);
    }
    const limits = { maxRegisters: o.maxRegistersPerRead, maxBits: o.maxBitsPerRead, maxGap: o.maxGap };
    this.#groups = [...byInterval].map(([interval, bindings]) => ({
      interval,
      bindings,
      reads: planReads(bindings.map((b) => ({ area: b.register.area, address: b.register.address, width: b.width })), limits),
      due: 0,
    }));
    this.#health = new SourceHealth(this.#now);
  }

  async *batches(): AsyncIterable<SampleBatch> {
    let attempt = 0;
    try {
      while (!this.#closed) {
        if (!this.#link.open) {
          try {
            await this.#link.connect();
            if (this.#everConnected) this.#reconnects++;
            this.#everConnected = true;
            attempt = 0;
            this.#markedDisconnected = false;
            const start = this.#now();
            for (const g of this.#groups) g.due = start;
            this.#health.set('up');
          } catch (err) {
            if (this.#closed) return;
            this.#count('connection', (err as Error).message);
            this.#health.set('down', (err as Error).message);
            const marker = this.#disconnectedMarker();
            if (marker) yield marker;
            const o = this.#device.options;
            // Jittered, so many devices behind one gateway do not reconnect in lock step.
            const ceiling = Math.min(o.maxReconnectDelay, o.reconnectDelay * 2 ** attempt++);
            await this.#wait.sleep(ceiling / 2 + (Math.random() * ceiling) / 2);
            continue;
          }
        }
        const group = this.#nextGroup();
        if (!group) {
          await this.#wait.sleep(60_000);
          continue;
        }
        const wait = group.due - this.#now();
        if (wait > 0) await this.#wait.sleep(wait);
        if (this.#closed) return;
        this.#lateness.record(this.#now() - group.due);
        const batch = await this.#poll(group);
        // Due times stay on a fixed grid; a poll that overran skips the missed slots instead of bursting.
        const now = this.#now();
        group.due += group.interval;
        if (group.due < now) group.due += Math.ceil((now - group.due) / group.interval) * group.interval;
        if (batch.length > 0) yield batch;
      }
    } finally {
      this.#link.close();
      this.#health.set('stopped');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wait.close();
    this.#link.close();
    this.#health.set('stopped');
  }

  health(): ComponentHealth {
    const o = this.#device.options;
    return {
      ...this.#health.current,
      details: {
        device: this.#device.id,
        endpoint: `${o.host}:${o.port}`,
        unitId: o.unitId,
        tags: this.#all.length,
        readsPerCycle: this.#groups.reduce((n, g) => n + g.reads.length, 0),
        requests: this.#requests,
        samples: this.#samples,
        reconnects: this.#reconnects,
        pollLateMs: this.#lateness.summary(),
        faults: Object.fromEntries(this.#causes),
      },
    };
  }

  /** Writes a holding register (or a bit of one) or a coil, then reads it back. */
  async write(tagIndex: number, value: number | boolean | string): Promise<WriteResult> {
    const b = this.#byTag.get(tagIndex);
    if (!b) throw new ModbusError('MODBUS_UNKNOWN_TAG', this.#device.id, `tag index ${tagIndex} is not read from this device`);
    return writeModbusTag(this.#link, this.#device.id, b, value, this.#now());
  }

  #nextGroup(): PollGroup | undefined {
    let next: PollGroup | undefined;
    for (const g of this.#groups) if (!next || g.due < next.due) next = g;
    return next;
  }

  async #poll(group: PollGroup): Promise<SampleBatch> {
    const out = new SampleBatchBuilder(group.bindings.length);
    let bad = 0;
    for (let r = 0; r < group.reads.length && this.#link.open; r++) {
      const read = group.reads[r]!;
      const result = await this.#readWithRetries(read);
      const arrival = this.#now();
      if (result instanceof Error) {
        if (result instanceof ModbusExceptionError && result.exception === 2 && new Set(read.items.map((i) => group.bindings[i]!.register.address)).size > 1) {
          // The device refuses the merged span (a hole in its map): read these values one by one from now on.
          this.#count('split-read', result.message);
          const singles = read.items.map((i): PlannedRead => ({ area: read.area, start: group.bindings[i]!.register.address, count: group.bindings[i]!.width, items: [i] }));
          group.reads.splice(r, 1, ...singles);
          r--;
          continue;
        }
        const timeout = result instanceof ModbusError && result.code === 'MODBUS_TIMEOUT';
        if (!(result instanceof ModbusExceptionError) && !timeout) {
          // The connection is gone: every tag of the device gets its marker, once per outage.
          this.#link.close();
          this.#health.set('down', result.message);
          const marker = this.#disconnectedMarker();
          if (marker) for (let k = 0; k < marker.length; k++) out.pushFrom(marker, k);
          return out.build();
        }
        const quality = timeout ? Quality.BadCommFailure : exceptionQuality((result as ModbusExceptionError).exception);
        for (const i of read.items) {
          const b = group.bindings[i]!;
          out.push(b.tag, arrival, b.last, quality, arrival);
        }
        bad += read.items.length;
        if (timeout) {
          // A device that stopped answering may sit behind a half-open socket: connect afresh.
          this.#link.close();
          this.#health.set('down', result.message);
        }
        continue;
      }
      for (const i of read.items) {
        const b = group.bindings[i]!;
        const at = b.register.address - read.start;
        const raw = read.area === 'coil' || read.area === 'discrete' ? result[at]! : b.register.bit !== undefined ? registerBit(result[at]!, b.register.bit) : decodeRegisters(result, at, b.register.type, b.order);
        b.last = raw;
        out.push(b.tag, arrival, raw, Number.isFinite(raw) ? Quality.Good : Quality.BadSensorFailure, arrival);
      }
    }
    this.#samples += out.length;
    if (this.#link.open) {
      if (bad > 0) this.#health.set('degraded', `${bad} of ${group.bindings.length} values unreadable; see details.faults`);
      else this.#health.set('up');
    }
    return out.build();
  }

  async #readWithRetries(read: PlannedRead): Promise<number[] | Error> {
    let last: Error = new ModbusError('MODBUS_CLOSED', this.#device.id, 'source closed');
    for (let attempt = 0; attempt <= this.#device.options.retries && !this.#closed; attempt++) {
      this.#requests++;
      try {
        return await this.#link.read(read.area, read.start, read.count);
      } catch (err) {
        last = err as Error;
        if (err instanceof ModbusExceptionError) {
          this.#count(`exception-${err.exception}`, err.message);
          if (!isTransientException(err.exception)) return err;
        } else if (err instanceof ModbusError && err.code === 'MODBUS_TIMEOUT') {
          this.#count('timeout', err.message);
        } else {
          this.#count('connection', last.message);
          return last;
        }
      }
    }
    return last;
  }

  /** One BadNotConnected sample per tag, with its last value, the first time the device is lost. */
  #disconnectedMarker(): SampleBatch | null {
    if (this.#markedDisconnected || this.#all.length === 0) return null;
    this.#markedDisconnected = true;
    const now = this.#now();
    const out = new SampleBatchBuilder(this.#all.length);
    for (const b of this.#all) out.push(b.tag, now, b.last, Quality.BadNotConnected, now);
    return out.build();
  }

  #count(cause: Cause, detail: string): void {
    const n = this.#causes.get(cause) ?? 0;
    this.#causes.set(cause, n + 1);
    if (n === 0) this.#logger?.warn({ device: this.#device.id, cause, detail }, 'modbus: fault; further ones of this cause are only counted, see health');
  }

}
