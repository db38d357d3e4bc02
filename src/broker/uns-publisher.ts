import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { qualityLevel, type Bus, type ComponentHealth, type FabrikEvent, type SampleBatch, type TagRegistry } from '../core/index.js';
import type { MqttSiteConfig } from './broker-config.js';

type UnsConfig = NonNullable<MqttSiteConfig['uns']>;

export interface UnsPublisherOptions {
  config: UnsConfig;
  /** Broker url: `config.url` or the embedded broker's. */
  url: string;
  tags: TagRegistry;
  bus: Bus;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Extra connect options: credentials, TLS trust. */
  connect?: IClientOptions;
}

/** The UNS topic of a tag: `<prefix><asset path>/<point>`. */
export function unsTopic(prefix: string, assetPath: string, point: string): string {
  return `${prefix}${assetPath}/${point}`;
}

/**
 * Publishes stored samples and events to the site's unified namespace: topic
 * = asset path, payload JSON with value, unit, quality and time. Samples come
 * from the bus after the store committed them, so the UNS never shows a
 * value the node did not keep. While the broker is away, QoS 0 messages are
 * dropped and counted rather than queued without bound.
 */
export class UnsPublisher {
  readonly #opts: UnsPublisherOptions;
  readonly #client: MqttClient;
  readonly #unsubscribe: (() => void)[] = [];
  #health: ComponentHealth = { state: 'starting', since: Date.now() };
  #published = 0;
  #dropped = 0;

  constructor(opts: UnsPublisherOptions) {
    this.#opts = opts;
    const { config, bus } = opts;
    this.#client = mqtt.connect(opts.url, { clientId: `fabrik-uns-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 1000, queueQoSZero: false, protocolVersion: 4, ...opts.connect });
    this.#client.on('connect', () => this.#set('up'));
    this.#client.on('offline', () => this.#set('down', `broker ${opts.url} unreachable; reconnecting`));
    this.#client.on('error', (err) => this.#set('down', `${opts.url}: ${err.message}`));
    if (config.samples) this.#unsubscribe.push(bus.subscribe('samples', (b) => this.#samples(b)));
    if (config.events) this.#unsubscribe.push(bus.subscribe('events', (e) => this.#event(e)));
  }

  health(): ComponentHealth {
    return { ...this.#health, details: { broker: this.#opts.url, published: this.#published, dropped: this.#dropped } };
  }

  async close(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    this.#set('stopped');
    await this.#client.endAsync().catch(() => {});
  }

  #samples(batch: SampleBatch): void {
    const { tags, config } = this.#opts;
    for (let i = 0; i < batch.length; i++) {
      const def = tags.get(batch.tag[i]!);
      if (!def) continue;
      const text = batch.text?.[i];
      const v = batch.value[i]!;
      const q = batch.quality[i]!;
      const value = text ?? (def.dataType === 'boolean' ? v !== 0 : Number.isFinite(v) ? v : null);
      const payload = JSON.stringify({ tag: def.id, value, unit: def.unit, quality: qualityLevel(q), qualityCode: q, ts: batch.ts[i]! });
      this.#publish(unsTopic(config.prefix, def.assetPath, def.point), payload);
    }
  }

  #event(e: FabrikEvent): void {
    this.#publish(`${this.#opts.config.prefix}${e.assetPath}/events/${e.kind}`, JSON.stringify(e), false);
  }

  #publish(topic: string, payload: string, retain = this.#opts.config.retain): void {
    if (!this.#client.connected) {
      this.#dropped++;
      return;
    }
    this.#published++;
    this.#client.publish(topic, payload, { qos: this.#opts.config.qos, retain });
  }

  #set(state: ComponentHealth['state'], message?: string): void {
    if (this.#health.state === 'stopped') return;
    if (state === this.#health.state && message === this.#health.message) return;
    this.#health = message ? { state, since: Date.now(), message } : { state, since: Date.now() };
  }
}
