import mqtt, { type MqttClient } from 'mqtt';
import type { MqttDeviceInput } from '../config/protocols/mqtt.js';
import { decodeSparkplug, encodeSparkplug, sparkplugTopic, type SparkplugMetric } from '../adapters/mqtt/index.js';
import { Quality } from '../core/index.js';
import type { Plant } from './plant.js';
import type { SignalInfo } from './signal.js';
import { plantTagBinding } from './plant-tag-binding.js';

export interface SparkplugEdgeNodeOptions {
  url: string;
  plant: Plant;
  groupId?: string;
  edgeNodeId?: string;
  /** Machines (address prefixes, e.g. "line1.capper") published as Sparkplug devices. */
  machines: readonly string[];
  /** Publish interval, ms. Default 1000. */
  intervalMs?: number;
  now?: () => number;
}

interface DeviceMetric {
  signal: number;
  info: SignalInfo;
  alias: number;
  last: number;
  lastQuality: number;
}

interface SimDevice {
  id: string;
  metrics: DeviceMetric[];
}

export const SPARKPLUG_DEFAULTS = { groupId: 'fabrik-demo', edgeNodeId: 'sim-edge' } as const;

/** Sparkplug device id of a machine: "line1.capper" → "line1-capper". */
export const sparkplugDeviceId = (machine: string): string => machine.replaceAll('.', '-');

/**
 * A simulated Sparkplug B edge node: NBIRTH/DBIRTH with aliases on connect,
 * DDATA by exception every interval, NDEATH as the MQTT will, and a fresh
 * birth when a host sends NCMD "Node Control/Rebirth". `fabrik sim
 * --sparkplug <url>` runs one.
 */
export class SparkplugEdgeNode {
  readonly groupId: string;
  readonly edgeNodeId: string;
  readonly #opts: SparkplugEdgeNodeOptions;
  readonly #devices: SimDevice[];
  readonly #now: () => number;
  #client: MqttClient;
  #timer: NodeJS.Timeout | null = null;
  #seq = 0;
  #bdSeq = 0;
  /** Births published (first connect and every rebirth). */
  births = 0;
  /** Messages published. */
  published = 0;

  constructor(opts: SparkplugEdgeNodeOptions) {
    this.#opts = opts;
    this.groupId = opts.groupId ?? SPARKPLUG_DEFAULTS.groupId;
    this.edgeNodeId = opts.edgeNodeId ?? SPARKPLUG_DEFAULTS.edgeNodeId;
    this.#now = opts.now ?? Date.now;
    let alias = 1;
    this.#devices = opts.machines.map((machine) => {
      const signals = opts.plant.signals().filter((s) => s.address.startsWith(`${machine}.`));
      if (signals.length === 0) throw new RangeError(`the plant has no machine "${machine}"`);
      return {
        id: sparkplugDeviceId(machine),
        metrics: signals.map((info) => ({ signal: opts.plant.resolve(info.address)!, info, alias: alias++, last: Number.NaN, lastQuality: -1 })),
      };
    });
    this.#client = this.#connect();
  }

  /** Resolves once the first birth is out. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.births === 0) {
      if (Date.now() > end) throw new Error(`sparkplug edge node: no connection to ${this.#opts.url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Skips `n` sequence numbers, as a lost message would (tests of rebirth on gaps). */
  skipSequence(n = 1): void {
    this.#seq = (this.#seq + n) & 255;
  }

  /** Publishes one DDATA round now (changed values only). */
  publishData(): void {
    const { plant } = this.#opts;
    plant.advanceTo(this.#now());
    const ts = this.#now();
    for (const d of this.#devices) {
      const metrics: SparkplugMetric[] = [];
      for (const m of d.metrics) {
        const v = plant.valueAt(m.signal);
        const q = plant.qualityAt(m.signal);
        if (v === m.last && q === m.lastQuality) continue;
        m.last = v;
        m.lastQuality = q;
        metrics.push(this.#metric(m, ts, false));
      }
      if (metrics.length > 0) this.#publish('DDATA', d.id, { timestamp: ts, metrics });
    }
  }

  /** Stops publishing; `graceful` sends DDEATH/NDEATH first (otherwise the broker sends the will). */
  async close(graceful = true): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (graceful && this.#client.connected) {
      const ts = this.#now();
      for (const d of this.#devices) this.#publish('DDEATH', d.id, { timestamp: ts, metrics: [] });
      this.#client.publish(sparkplugTopic(this.groupId, 'NDEATH', this.edgeNodeId), Buffer.from(this.#death()), { qos: 0 });
      await this.#client.endAsync();
    } else {
      await this.#client.endAsync(true);
    }
  }

  #connect(): MqttClient {
    const client = mqtt.connect(this.#opts.url, {
      clientId: `fabrik-sim-${this.edgeNodeId}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 1000,
      protocolVersion: 4,
      will: { topic: sparkplugTopic(this.groupId, 'NDEATH', this.edgeNodeId), payload: Buffer.from(this.#death()), qos: 1, retain: false },
    });
    client.on('connect', () => {
      client.subscribe(sparkplugTopic(this.groupId, 'NCMD', this.edgeNodeId), { qos: 0 }, () => this.#birth());
      if (!this.#timer) this.#timer = setInterval(() => this.publishData(), this.#opts.intervalMs ?? 1000);
    });
    client.on('message', (_topic, payload) => {
      try {
        const cmd = decodeSparkplug(payload);
        if (cmd.metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) this.#birth();
      } catch {
        // A malformed command is ignored, as edge nodes do.
      }
    });
    client.on('close', () => {
      // A new session gets the next bdSeq, and its will must carry it.
      this.#bdSeq = (this.#bdSeq + 1) & 255;
      if (client.options.will) client.options.will.payload = Buffer.from(this.#death());
    });
    client.on('error', () => {});
    return client;
  }

  #death(): Uint8Array {
    return encodeSparkplug({ timestamp: this.#now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.#bdSeq }] });
  }

  #birth(): void {
    const { plant } = this.#opts;
    plant.advanceTo(this.#now());
    const ts = this.#now();
    this.#seq = 0;
    this.#client.publish(
      sparkplugTopic(this.groupId, 'NBIRTH', this.edgeNodeId),
      Buffer.from(encodeSparkplug({ timestamp: ts, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.#bdSeq }, { name: 'Node Control/Rebirth', type: 'Boolean', value: false }] })),
      { qos: 0 },
    );
    this.published++;
    for (const d of this.#devices) {
      const metrics = d.metrics.map((m) => {
        m.last = plant.valueAt(m.signal);
        m.lastQuality = plant.qualityAt(m.signal);
        return this.#metric(m, ts, true);
      });
      this.#publish('DBIRTH', d.id, { timestamp: ts, metrics });
    }
    this.births++;
  }

  #metric(m: DeviceMetric, ts: number, birth: boolean): SparkplugMetric {
    const metric: SparkplugMetric = { alias: m.alias, timestamp: ts, type: m.info.type === 'integer' ? 'Int64' : 'Double', value: Number.isFinite(m.last) ? m.last : null };
    if (birth) metric.name = m.info.address.split('.').at(-1)!;
    if (m.lastQuality !== Quality.Good) metric.quality = m.lastQuality;
    return metric;
  }

  #publish(type: 'DBIRTH' | 'DDATA' | 'DDEATH', deviceId: string, payload: { timestamp: number; metrics: SparkplugMetric[] }): void {
    this.#seq = (this.#seq + 1) & 255;
    this.#client.publish(sparkplugTopic(this.groupId, type, this.edgeNodeId, deviceId), Buffer.from(encodeSparkplug({ ...payload, seq: this.#seq })), { qos: 0 });
    this.published++;
  }
}

/** The site-config device that reads a SparkplugEdgeNode's machines back through a broker. */
export function plantSparkplugDevice(plant: Plant, options: { url: string; machines: readonly string[]; groupId?: string; edgeNodeId?: string; id?: string }): MqttDeviceInput {
  const groupId = options.groupId ?? SPARKPLUG_DEFAULTS.groupId;
  const edgeNodeId = options.edgeNodeId ?? SPARKPLUG_DEFAULTS.edgeNodeId;
  const tags = plant
    .signals()
    .filter((s) => options.machines.some((m) => s.address.startsWith(`${m}.`)))
    .map((s) => {
      const machine = s.address.split('.').slice(0, -1).join('.');
      return { ...plantTagBinding(s), address: `${edgeNodeId}/${sparkplugDeviceId(machine)}/${s.address.split('.').at(-1)!}` };
    });
  return { id: options.id ?? `sparkplug-${edgeNodeId}`, protocol: 'mqtt', options: { url: options.url, mode: 'sparkplug', sparkplug: { groupId, edgeNodeId } }, tags };
}
