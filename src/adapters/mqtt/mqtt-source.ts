import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Quality, SampleBatchBuilder, type ComponentHealth, type SampleBatch, type Source, type TagRegistry } from '../../core/index.js';
import type { DeviceConfig } from '../../config/index.js';
import type { MqttDeviceConfig } from '../../config/protocols/mqtt.js';
import { BadInputLog } from './bad-input.js';
import { brokerConnectOptions } from './broker-connection.js';
import { MqttError } from './errors.js';
import { JsonMapping } from './json-mapping.js';
import { decodeSparkplug } from './sparkplug-codec.js';
import { rebirthCommand, SparkplugConsumer, type SparkplugBinding } from './sparkplug-consumer.js';
import { parseSparkplugTopic } from './sparkplug-topic.js';
import { SourceHealth } from '../source-health.js';

export interface MqttSourceOptions {
  /** A device of the site config with protocol "mqtt". */
  device: DeviceConfig;
  tags: TagRegistry;
  logger?: Pick<Logger, 'warn' | 'info'>;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Samples held for a consumer that does not pull; beyond it messages are dropped and counted. Default 500,000. */
  maxPending?: number;
}

/**
 * Subscribes to a broker and turns messages into samples: JSON payloads by
 * topic pattern and field selector, or Sparkplug B (births define metrics,
 * deaths mark them bad, sequence gaps ask the edge node for a rebirth).
 * mqtt.js reconnects by itself; a lost connection is one BadNotConnected
 * marker per tag.
 */
export function createMqttSource(options: MqttSourceOptions): Source {
  const { device, tags } = options;
  if (device.protocol !== 'mqtt') throw new MqttError('MQTT_BAD_CONFIG', `device "${device.id}": expected protocol "mqtt", got "${device.protocol}"`);
  const missing = device.tags.filter((t) => tags.index(t.id) === undefined).map((t) => t.id);
  if (missing.length > 0) throw new MqttError('MQTT_UNKNOWN_TAG', `mqtt device "${device.id}": tags not defined in the registry: ${missing.join(', ')}`);
  return new MqttSource(device, options);
}

class MqttSource implements Source {
  readonly name: string;
  readonly #device: MqttDeviceConfig;
  readonly #tagIndexes: number[];
  readonly #now: () => number;
  readonly #bad: BadInputLog;
  readonly #maxPending: number;
  readonly #json: JsonMapping | null;
  readonly #sparkplug: SparkplugConsumer | null;
  readonly #subscriptions: string[];
  readonly #client: MqttClient;
  readonly #last = new Map<number, number | string>();
  #pending = new SampleBatchBuilder(256);
  #wake: (() => void) | null = null;
  #closed = false;
  #connected = false;
  #markedDisconnected = false;
  /** Why the last connection attempt failed, kept so "closed; reconnecting" still says why. */
  #lastError: string | undefined;
  readonly #health: SourceHealth;
  #messages = 0;
  #samples = 0;
  #rebirths = 0;

  constructor(device: MqttDeviceConfig, options: MqttSourceOptions) {
    this.name = `mqtt:${device.id}`;
    this.#device = device;
    this.#now = options.now ?? Date.now;
    this.#maxPending = options.maxPending ?? 500_000;
    this.#bad = new BadInputLog(options.logger, { device: device.id });
    this.#tagIndexes = device.tags.map((t) => options.tags.index(t.id)!);
    const o = device.options;
    if (o.mode === 'json') {
      this.#json = new JsonMapping(device.tags.map((t, i) => ({ tag: this.#tagIndexes[i]!, type: t.type, topic: t.address, ...(t.field ? { field: t.field } : {}), ...(t.timestampField ? { timestampField: t.timestampField } : {}) })));
      this.#sparkplug = null;
      this.#subscriptions = this.#json.patterns();
    } else {
      const sp = o.sparkplug!;
      const bindings = new Map<string, SparkplugBinding[]>();
      device.tags.forEach((t, i) => bindings.set(t.address, [...(bindings.get(t.address) ?? []), { tag: this.#tagIndexes[i]!, type: t.type }]));
      this.#json = null;
      // Seeing only some devices of a node hides part of its seq numbers, so they cannot be checked then.
      this.#sparkplug = new SparkplugConsumer({ groupId: sp.groupId, bindings, rebirthHoldOffMs: sp.rebirthHoldOff, checkSequence: sp.deviceId === undefined, onIssue: (c, d) => this.#bad.count(c, d) });
      const base = `spBv1.0/${sp.groupId}/+/${sp.edgeNodeId ?? '+'}`;
      this.#subscriptions = sp.deviceId ? [base, `${base}/${sp.deviceId}`] : [base, `${base}/+`];
    }
    this.#health = new SourceHealth(this.#now);
    const connectOptions = brokerConnectOptions(o, device.id, options.env);
    const hostId = o.mode === 'sparkplug' ? o.sparkplug?.hostId : undefined;
    const stateTopic = hostId ? `spBv1.0/STATE/${hostId}` : undefined;
    const state = (online: boolean): Buffer => Buffer.from(JSON.stringify({ online, timestamp: this.#now() }));
    if (stateTopic) connectOptions.will = { topic: stateTopic, payload: state(false), qos: 1, retain: true };
    this.#client = mqtt.connect(o.url, connectOptions);
    this.#client.on('connect', () => {
      this.#connected = true;
      this.#lastError = undefined;
      // Sparkplug 3.0: a primary host announces itself before edge nodes send their births.
      if (stateTopic) this.#client.publish(stateTopic, state(true), { qos: 1, retain: true });
      this.#markedDisconnected = false;
      this.#client.subscribe(this.#subscriptions, { qos: o.qos }, (err) => {
        if (err) this.#health.set('degraded', `subscribing to ${this.#subscriptions.join(', ')} failed: ${err.message}`);
        else this.#health.set('up');
      });
    });
    this.#client.on('close', () => this.#lost('connection to the broker closed; reconnecting'));
    this.#client.on('offline', () => this.#lost('broker offline; reconnecting'));
    this.#client.on('error', (err) => {
      this.#lastError = `${o.url}: ${err.message}`;
      this.#health.set(this.#connected ? 'degraded' : 'down', this.#lastError);
    });
    this.#client.on('message', (topic, payload) => this.#message(topic, payload));
  }

  async *batches(): AsyncIterable<SampleBatch> {
    try {
      while (!this.#closed) {
        if (this.#pending.length === 0) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = null;
          continue;
        }
        const batch = this.#pending.build();
        this.#pending = new SampleBatchBuilder(Math.max(256, batch.length));
        this.#samples += batch.length;
        // The last value per tag, for the marker of a lost connection.
        for (let i = 0; i < batch.length; i++) {
          if (batch.quality[i]! >= Quality.Uncertain) this.#last.set(batch.tag[i]!, batch.text?.[i] ?? batch.value[i]!);
        }
        yield batch;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.#health.set('stopped');
    const hostId = this.#device.options.sparkplug?.hostId;
    if (hostId && this.#connected) {
      await this.#client.publishAsync(`spBv1.0/STATE/${hostId}`, JSON.stringify({ online: false, timestamp: this.#now() }), { qos: 1, retain: true }).catch(() => {});
    }
    await this.#client.endAsync(true).catch(() => {});
  }

  health(): ComponentHealth {
    return {
      ...this.#health.current,
      details: {
        device: this.#device.id,
        broker: this.#device.options.url,
        mode: this.#device.options.mode,
        subscriptions: this.#subscriptions,
        messages: this.#messages,
        samples: this.#samples,
        badInput: this.#bad.counts(),
        ...(this.#sparkplug ? { edgeNodes: this.#sparkplug.nodes(), rebirthRequests: this.#rebirths } : {}),
      },
    };
  }

  #message(topic: string, payload: Buffer): void {
    if (this.#closed) return;
    this.#messages++;
    const arrival = this.#now();
    if (payload.length > this.#device.options.maxPayloadBytes) {
      this.#bad.count('oversized', `topic "${topic}": ${payload.length} bytes, limit ${this.#device.options.maxPayloadBytes} (maxPayloadBytes)`);
      return;
    }
    if (this.#pending.length >= this.#maxPending) {
      this.#bad.count('backlog-full', `more than ${this.#maxPending} samples wait for the pipeline; dropping`);
      return;
    }
    const before = this.#pending.length;
    if (this.#json) {
      this.#json.handle(topic, payload, arrival, this.#pending, (c, d) => this.#bad.count(c, d));
    } else if (this.#sparkplug) {
      const t = parseSparkplugTopic(topic);
      if (!t) {
        this.#bad.count('unmapped-topic', `"${topic}" is not a Sparkplug B topic`);
        return;
      }
      if (t.type === 'NCMD' || t.type === 'DCMD') return;
      let decoded;
      try {
        decoded = decodeSparkplug(payload);
      } catch (err) {
        this.#bad.count('malformed-payload', (err as Error).message);
        return;
      }
      const rebirth = this.#sparkplug.handle(t, decoded, arrival, this.#pending);
      if (rebirth) {
        this.#rebirths++;
        const cmd = rebirthCommand(rebirth, arrival);
        this.#client.publish(cmd.topic, Buffer.from(cmd.payload), { qos: 0 });
      }
    }
    if (this.#pending.length > before) this.#wake?.();
  }

  #lost(message: string): void {
    if (this.#closed) return;
    this.#connected = false;
    this.#health.set('down', this.#lastError ? `${message} (${this.#lastError})` : message);
    if (this.#markedDisconnected) return;
    this.#markedDisconnected = true;
    const now = this.#now();
    for (const tag of new Set(this.#tagIndexes)) {
      const last = this.#last.get(tag);
      if (typeof last === 'string') this.#pending.pushText(tag, now, last, Quality.BadNotConnected, now);
      else this.#pending.push(tag, now, last ?? Number.NaN, Quality.BadNotConnected, now);
    }
    this.#wake?.();
  }

}
