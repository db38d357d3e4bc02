import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMqttSource } from '../src/adapters/mqtt/index.js';
import { startEmbeddedBroker, UnsPublisher, type EmbeddedBroker } from '../src/broker/index.js';
import { mqttDeviceSchema, type MqttDeviceInput } from '../src/config/protocols/mqtt.js';
import { batchFromSamples, Bus, createEvent, Quality, sampleAt, TagRegistry, type Sample, type Source } from '../src/core/index.js';
import { createPlant } from '../src/sim/plant.js';
import { plantSparkplugDevice, SparkplugEdgeNode } from '../src/sim/sparkplug-edge-node.js';
import { peerEnabled, PEERS } from './peers.js';

const ASSET = 'acme/test/area/line1/machine';

function deviceOf(input: MqttDeviceInput) {
  const device = mqttDeviceSchema.parse(input);
  const tags = new TagRegistry();
  for (const t of device.tags) tags.define({ id: t.id, assetPath: t.asset, point: t.point ?? t.id.split('.').at(-1)!, dataType: t.type, unit: t.unit, description: '', retentionClass: 'standard', source: device.id, writable: false });
  return { device, tags };
}

function collect(source: Source, tags: TagRegistry) {
  const seen = new Map<string, Sample[]>();
  const done = (async () => {
    for await (const batch of source.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const s = sampleAt(batch, i);
        const id = tags.get(s.tag)!.id;
        seen.set(id, [...(seen.get(id) ?? []), s]);
      }
    }
  })();
  return { seen, last: (id: string) => seen.get(id)?.at(-1), done };
}

async function until<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const badInput = (source: Source) => (source.health().details?.['badInput'] ?? {}) as Record<string, number>;

interface BrokerUnderTest {
  name: string;
  url: () => string;
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
}

let embedded: EmbeddedBroker | undefined;
const brokers: BrokerUnderTest[] = [
  {
    name: 'the embedded aedes broker',
    url: () => embedded!.url,
    setup: async () => {
      embedded = await startEmbeddedBroker({ port: 0 });
    },
    teardown: async () => embedded?.close(),
  },
];
const mosquitto = await peerEnabled('mosquitto');
if (mosquitto) {
  brokers.push({ name: 'Mosquitto on 127.0.0.1:1883', url: () => `mqtt://${PEERS.mosquitto.host}:${PEERS.mosquitto.port}`, setup: async () => {}, teardown: async () => {} });
}

describe.each(brokers)('MQTT against $name', (broker) => {
  beforeAll(() => broker.setup());
  afterAll(() => broker.teardown());

  it('maps JSON payloads by topic pattern and field, with source time, and counts bad input without stopping', async () => {
    const root = `fabrik-test/${randomUUID()}`;
    const { device, tags } = deviceOf({
      id: 'json1',
      protocol: 'mqtt',
      options: { url: broker.url(), maxPayloadBytes: 1024 },
      tags: [
        { id: 'temp', asset: ASSET, address: `${root}/+/temp`, field: '$.data.temp', timestampField: '$.ts' },
        { id: 'state', asset: ASSET, address: `${root}/line1/state`, type: 'integer' },
        { id: 'batch', asset: ASSET, address: `${root}/line1/batch`, type: 'string', field: 'id' },
      ],
    });
    const source = createMqttSource({ device, tags });
    const c = collect(source, tags);
    await until('subscribed', () => source.health().state === 'up');
    const pub = await mqtt.connectAsync(broker.url());
    const ts = '2026-01-02T03:04:05.678Z';
    await pub.publishAsync(`${root}/line1/temp`, JSON.stringify({ data: { temp: 21.5 }, ts }));
    await pub.publishAsync(`${root}/line1/state`, '2');
    await pub.publishAsync(`${root}/line1/batch`, JSON.stringify({ id: 'B-42' }));
    await until('values', () => c.last('temp') && c.last('state') && c.last('batch'));
    expect(c.last('temp')).toMatchObject({ value: 21.5, ts: Date.parse(ts), quality: Quality.Good });
    expect(c.last('state')!.value).toBe(2);
    expect(c.last('batch')!.value).toBe('B-42');

    await pub.publishAsync(`${root}/line1/temp`, '{not json');
    await pub.publishAsync(`${root}/line1/temp`, JSON.stringify({ data: {} }));
    await pub.publishAsync(`${root}/line1/state`, JSON.stringify('running'));
    await pub.publishAsync(`${root}/line1/temp`, JSON.stringify({ data: { temp: 1 }, pad: 'x'.repeat(2000) }));
    await pub.publishAsync(`${root}/line2/temp`, JSON.stringify({ data: { temp: 23 }, ts: Date.parse(ts) + 1000 }));
    await until('bad input counted', () => {
      const b = badInput(source);
      return b['malformed-payload'] === 1 && b['missing-field'] === 1 && b['wrong-type'] === 1 && b['oversized'] === 1 && c.last('temp')?.value === 23;
    });
    expect(c.last('temp')!.ts).toBe(Date.parse(ts) + 1000);
    expect(source.health().state).toBe('up');
    await pub.endAsync();
    await source.close();
    await c.done;
  });

  it('consumes Sparkplug B births, data and deaths, and asks for a rebirth on a sequence gap', async () => {
    const groupId = `fabrik-test-${randomUUID().slice(0, 8)}`;
    const plant = createPlant({ seed: 5, startTime: Date.now() });
    const edge = new SparkplugEdgeNode({ url: broker.url(), plant, groupId, machines: ['line1.capper'], intervalMs: 100 });
    const input = plantSparkplugDevice(plant, { url: broker.url(), groupId, machines: ['line1.capper'] });
    // No hold-off: a rebirth asked for at start-up (the host subscribed after the births) must not swallow the one for the gap.
    const { device, tags } = deviceOf({ ...input, options: { ...input.options, sparkplug: { ...input.options.sparkplug!, rebirthHoldOff: 0 } } });
    const source = createMqttSource({ device, tags });
    const c = collect(source, tags);
    await until('subscribed', () => source.health().state === 'up');
    // The node may have been born before the host subscribed: its first DDATA triggers a rebirth.
    await edge.ready();
    await until('every capper metric', () => device.tags.every((t) => c.last(t.id)?.quality === Quality.Good));
    for (const t of device.tags) expect(typeof c.last(t.id)!.value).toBe('number');
    const births = edge.births;
    edge.skipSequence(3);
    edge.publishData();
    await until('rebirth after the gap', () => edge.births > births);
    expect(badInput(source)['sequence-gap']).toBeGreaterThanOrEqual(1);
    expect((source.health().details?.['rebirthRequests'] as number) >= 1).toBe(true);

    const before = c.seen.get(device.tags[0]!.id)!.length;
    await edge.close(true);
    await until('death marks every metric bad', () => device.tags.every((t) => c.last(t.id)?.quality === Quality.BadNotConnected));
    expect(c.seen.get(device.tags[0]!.id)!.length).toBeGreaterThan(before);
    const nodes = source.health().details?.['edgeNodes'] as Record<string, { born: boolean }>;
    expect(nodes['sim-edge']!.born).toBe(false);
    await source.close();
    await c.done;
  });

  it('announces itself as a Sparkplug primary host: STATE online while connected, offline when it leaves', async () => {
    const hostId = `fabrik-host-${randomUUID().slice(0, 8)}`;
    const { device, tags } = deviceOf({ id: 'host1', protocol: 'mqtt', options: { url: broker.url(), mode: 'sparkplug', sparkplug: { groupId: 'g-host', hostId } }, tags: [] });
    const watcher = await mqtt.connectAsync(broker.url());
    const states: { online: boolean }[] = [];
    watcher.on('message', (_t, payload) => payload.length > 0 && states.push(JSON.parse(payload.toString())));
    await watcher.subscribeAsync(`spBv1.0/STATE/${hostId}`);
    const source = createMqttSource({ device, tags });
    const c = collect(source, tags);
    await until('online', () => states.at(-1)?.online === true);
    await source.close();
    await c.done;
    await until('offline', () => states.at(-1)?.online === false);
    // Leave no retained state behind on a shared broker.
    await watcher.publishAsync(`spBv1.0/STATE/${hostId}`, '', { retain: true });
    await watcher.endAsync();
  });

  it('publishes contextualised samples and events to the UNS (topic = asset path)', async () => {
    const prefix = `fabrik-test/${randomUUID().slice(0, 8)}/`;
    const tags = new TagRegistry();
    const temp = tags.define({ id: 'line1.filler.temp', assetPath: 'acme/plant1/bottling/line1/filler', point: 'temp', dataType: 'number', unit: '°C', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const run = tags.define({ id: 'line1.filler.running', assetPath: 'acme/plant1/bottling/line1/filler', point: 'running', dataType: 'boolean', unit: '', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const bus = new Bus();
    const uns = new UnsPublisher({ config: { prefix, samples: true, events: true, retain: false, qos: 0 }, url: broker.url(), tags, bus });
    const sub = await mqtt.connectAsync(broker.url());
    const got = new Map<string, unknown>();
    sub.on('message', (topic, payload) => got.set(topic, JSON.parse(payload.toString())));
    await sub.subscribeAsync(`${prefix}#`);
    await until('uns connected', () => uns.health().state === 'up');
    bus.publish('samples', batchFromSamples([{ tag: temp, ts: 1_700_000_000_000, value: 21.5, quality: Quality.Good }, { tag: run, ts: 1_700_000_000_000, value: 1, quality: Quality.UncertainLastUsable }]));
    bus.publish('events', createEvent({ kind: 'alarm.active', assetPath: 'acme/plant1/bottling/line1/filler', severity: 'high', message: 'too hot', tag: 'line1.filler.temp' }));
    await until('uns messages', () => got.size === 3);
    expect(got.get(`${prefix}acme/plant1/bottling/line1/filler/temp`)).toEqual({ tag: 'line1.filler.temp', value: 21.5, unit: '°C', quality: 'good', qualityCode: 192, ts: 1_700_000_000_000 });
    expect(got.get(`${prefix}acme/plant1/bottling/line1/filler/running`)).toMatchObject({ value: true, quality: 'uncertain' });
    expect(got.get(`${prefix}acme/plant1/bottling/line1/filler/events/alarm.active`)).toMatchObject({ kind: 'alarm.active', message: 'too hot' });
    await sub.endAsync();
    await uns.close();
  });
});
