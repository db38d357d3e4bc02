import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { decodeSparkplug, encodeSparkplug, sparkplugTopic, type SparkplugDataType, type SparkplugMetric } from '../adapters/mqtt/index.js';
import { Quality, type Bus, type ComponentHealth, type SampleBatch, type TagDataType, type TagRegistry } from '../core/index.js';
import type { MqttSiteConfig } from './broker-config.js';

type SparkplugOutConfig = NonNullable<MqttSiteConfig['sparkplug']>;

export interface SparkplugOutOptions {
  config: SparkplugOutConfig;
  url: string;
  tags: TagRegistry;
  bus: Bus;
  connect?: IClientOptions;
}

interface Published {
  alias: number;
  name: string;
  type: SparkplugDataType;
  value: number | boolean | string | null;
  quality: number;
  ts: number;
}

const TYPES: Record<TagDataType, SparkplugDataType> = { number: 'Double', integer: 'Int64', boolean: 'Boolean', string: 'String' };

function globMatcher(patterns: readonly string[]): (id: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`));
  return (id) => res.some((r) => r.test(id));
}

/**
 * Fabrik as a Sparkplug B edge node, so SCADA hosts (Ignition…) see the site
 * without glue: one NBIRTH with every published tag as a metric named after
 * its asset path and point, with an alias; NDATA by exception from the stored
 * samples; NDEATH (with bdSeq) as the MQTT will; a fresh birth on NCMD
 * "Node Control/Rebirth" and when new tags appear.
 */
export class SparkplugOut {
  readonly #opts: SparkplugOutOptions;
  readonly #client: MqttClient;
  readonly #match: (id: string) => boolean;
  readonly #metrics = new Map<number, Published>();
  readonly #unsubscribe: () => void;
  readonly #unlisten: () => void;
  #seq = 0;
  #bdSeq = 0;
  #born = false;
  #births = 0;
  #data = 0;
  #health: ComponentHealth = { state: 'starting', since: Date.now() };

  constructor(opts: SparkplugOutOptions) {
    this.#opts = opts;
    const { config, tags } = opts;
    this.#match = globMatcher(config.tags);
    for (const def of tags.all()) this.#add(tags.index(def.id)!);
    // A tag defined later (a new config, a derived tag) needs a new birth: hosts learn metrics only from births.
    this.#unlisten = tags.onDefine((index) => {
      if (this.#add(index) && this.#born) this.#birth();
    });
    this.#client = mqtt.connect(opts.url, {
      clientId: `fabrik-sparkplug-${config.edgeNodeId}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 1000,
      protocolVersion: 4,
      clean: true,
      ...opts.connect,
      will: { topic: this.#topic('NDEATH'), payload: this.#death(), qos: 1, retain: false },
    });
    this.#client.on('connect', () => {
      this.#set('up');
      this.#client.subscribe(this.#topic('NCMD'), { qos: 0 }, () => this.#birth());
    });
    this.#client.on('close', () => {
      this.#born = false;
      // The next session gets the next bdSeq, and its will says so.
      this.#bdSeq = (this.#bdSeq + 1) & 255;
      if (this.#client.options.will) this.#client.options.will.payload = this.#death();
    });
    this.#client.on('offline', () => this.#set('down', `broker ${opts.url} unreachable; reconnecting`));
    this.#client.on('error', (err) => this.#set('down', `${opts.url}: ${err.message}`));
    this.#client.on('message', (_topic, payload) => {
      try {
        if (decodeSparkplug(payload).metrics.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) this.#birth();
      } catch {
        // A malformed command changes nothing.
      }
    });
    this.#unsubscribe = opts.bus.subscribe('samples', (b) => this.#samples(b));
  }

  health(): ComponentHealth {
    return { ...this.#health, details: { broker: this.#opts.url, groupId: this.#opts.config.groupId, edgeNodeId: this.#opts.config.edgeNodeId, metrics: this.#metrics.size, births: this.#births, dataMessages: this.#data } };
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    this.#unlisten();
    this.#set('stopped');
    if (this.#client.connected) await this.#client.publishAsync(this.#topic('NDEATH'), Buffer.from(this.#death()), { qos: 1 }).catch(() => {});
    await this.#client.endAsync().catch(() => {});
  }

  /** Adds a tag's metric; true when it is new and published. */
  #add(index: number): boolean {
    const def = this.#opts.tags.get(index);
    if (!def || this.#metrics.has(index) || !this.#match(def.id)) return false;
    this.#metrics.set(index, { alias: index + 1, name: `${def.assetPath}/${def.point}`, type: TYPES[def.dataType], value: null, quality: Quality.Bad, ts: Date.now() });
    return true;
  }

  #topic(type: 'NBIRTH' | 'NDATA' | 'NDEATH' | 'NCMD'): string {
    return sparkplugTopic(this.#opts.config.groupId, type, this.#opts.config.edgeNodeId);
  }

  #death(): Buffer {
    return Buffer.from(encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.#bdSeq }] }));
  }

  #birth(): void {
    if (!this.#client.connected) return;
    this.#seq = 0;
    const metrics: SparkplugMetric[] = [
      { name: 'bdSeq', type: 'UInt64', value: this.#bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    ];
    for (const m of this.#metrics.values()) metrics.push(this.#metric(m, true));
    this.#client.publish(this.#topic('NBIRTH'), Buffer.from(encodeSparkplug({ timestamp: Date.now(), seq: 0, metrics })), { qos: 0 });
    this.#born = true;
    this.#births++;
  }

  #metric(m: Published, birth: boolean): SparkplugMetric {
    const out: SparkplugMetric = { alias: m.alias, type: m.type, value: m.value, timestamp: m.ts };
    if (birth) out.name = m.name;
    if (m.quality !== Quality.Good) out.quality = m.quality;
    return out;
  }

  #samples(batch: SampleBatch): void {
    const changed: SparkplugMetric[] = [];
    for (let i = 0; i < batch.length; i++) {
      const m = this.#metrics.get(batch.tag[i]!);
      if (!m) continue;
      const text = batch.text?.[i];
      const v = batch.value[i]!;
      const value = text ?? (m.type === 'Boolean' ? v !== 0 : Number.isFinite(v) ? v : null);
      const quality = batch.quality[i]!;
      // By exception: only a new value or a new quality is sent.
      if (value === m.value && quality === m.quality) continue;
      m.value = value;
      m.quality = quality;
      m.ts = batch.ts[i]!;
      changed.push(this.#metric(m, false));
    }
    if (changed.length === 0 || !this.#born || !this.#client.connected) return;
    this.#seq = (this.#seq + 1) & 255;
    this.#client.publish(this.#topic('NDATA'), Buffer.from(encodeSparkplug({ timestamp: Date.now(), seq: this.#seq, metrics: changed })), { qos: 0 });
    this.#data++;
  }

  #set(state: ComponentHealth['state'], message?: string): void {
    if (this.#health.state === 'stopped') return;
    if (state === this.#health.state && message === this.#health.message) return;
    this.#health = message ? { state, since: Date.now(), message } : { state, since: Date.now() };
  }
}
