import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMqttSource, decodeSparkplug, rebirthCommand } from '../src/adapters/mqtt/index.js';
import { mqttSiteSchema } from '../src/broker/index.js';
import { mqttDeviceSchema } from '../src/config/protocols/mqtt.js';
import { batchFromSamples, Bus, Quality, sampleAt, TagRegistry, type Sample } from '../src/core/index.js';
import { startSiteMqtt } from '../src/node/site-mqtt.js';

const def = (id: string, point: string, dataType: 'number' | 'boolean') => ({ id, assetPath: 'acme/p1/l1/filler', point, dataType, unit: '', description: '', retentionClass: 'standard', source: 'x', writable: false });

async function until(what: string, fn: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Fabrik as a Sparkplug B edge node', () => {
  it('births its tags with aliases, sends NDATA by exception, rebirths for new tags and on NCMD, and dies with NDEATH — read back by a Sparkplug host', async () => {
    const tags = new TagRegistry();
    const temp = tags.define(def('l1.temp', 'temp', 'number'));
    const running = tags.define(def('l1.running', 'running', 'boolean'));
    tags.define(def('cnc.load', 'load', 'number')); // not selected
    const bus = new Bus();
    const site = await startSiteMqtt({
      config: mqttSiteSchema.parse({ broker: { port: 0, auth: 'none', tls: 'off' }, sparkplug: { groupId: 'site1', edgeNodeId: 'fabrik', tags: ['l1.*'] } }),
      tags, bus, logger: pino({ level: 'silent' }), tokens: { verify: () => null }, tlsMode: 'off', tlsMaterial: null,
    });
    const url = site.broker!.url;
    const births: string[][] = [];
    const watcher = await mqtt.connectAsync(url);
    watcher.on('message', (topic, payload) => topic.includes('/NBIRTH/') && births.push(decodeSparkplug(payload).metrics.map((m) => m.name!)));
    await watcher.subscribeAsync('spBv1.0/site1/NBIRTH/fabrik');

    // The host: Fabrik's own Sparkplug consumer, bound to the metric names (asset path/point).
    const hostTags = new TagRegistry();
    const device = mqttDeviceSchema.parse({
      id: 'host', protocol: 'mqtt', options: { url, mode: 'sparkplug', sparkplug: { groupId: 'site1', rebirthHoldOff: 0 } },
      tags: [
        { id: 'h.temp', asset: 'acme/p1/l1/filler', address: 'fabrik/acme/p1/l1/filler/temp' },
        { id: 'h.running', asset: 'acme/p1/l1/filler', address: 'fabrik/acme/p1/l1/filler/running', type: 'boolean' },
      ],
    });
    for (const t of device.tags) hostTags.define({ ...def(t.id, t.id, t.type === 'boolean' ? 'boolean' : 'number') });
    const host = createMqttSource({ device, tags: hostTags });
    const seen: Sample[] = [];
    const done = (async () => {
      for await (const b of host.batches()) for (let i = 0; i < b.length; i++) seen.push(sampleAt(b, i));
    })();
    const last = (id: string) => seen.filter((s) => s.tag === hostTags.index(id)).at(-1);
    try {
      await until('host connected', () => host.health().state === 'up');
      await until('born', () => births.length > 0);
      expect(births[0]).toEqual(['bdSeq', 'Node Control/Rebirth', 'acme/p1/l1/filler/temp', 'acme/p1/l1/filler/running']);
      bus.publish('samples', batchFromSamples([{ tag: temp, ts: 1000, value: 21.5, quality: Quality.Good }, { tag: running, ts: 1000, value: 1, quality: Quality.Good }]));
      await until('values at the host', () => last('h.temp')?.value === 21.5 && last('h.running')?.value === 1);
      const sent = site.sparkplug!.health().details!['dataMessages'] as number;
      bus.publish('samples', batchFromSamples([{ tag: temp, ts: 2000, value: 21.5, quality: Quality.Good }]));
      expect(site.sparkplug!.health().details!['dataMessages']).toBe(sent); // unchanged: nothing sent
      bus.publish('samples', batchFromSamples([{ tag: temp, ts: 3000, value: 22, quality: Quality.UncertainLastUsable }]));
      await until('by exception', () => last('h.temp')?.value === 22);
      expect(last('h.temp')!.quality).toBe(Quality.UncertainLastUsable);

      const before = births.length;
      tags.define(def('l1.pressure', 'pressure', 'number'));
      await until('rebirth for a new tag', () => births.length > before);
      expect(births.at(-1)).toContain('acme/p1/l1/filler/pressure');
      // Sequence numbers run without gaps across data and rebirths.
      expect(host.health().details!['badInput']).not.toHaveProperty('sequence-gap');
      const n = births.length;
      const cmd = rebirthCommand({ groupId: 'site1', edgeNodeId: 'fabrik' });
      await watcher.publishAsync(cmd.topic, Buffer.from(cmd.payload));
      await until('rebirth on NCMD', () => births.length > n);

      await site.sparkplug!.close();
      await until('death at the host', () => last('h.temp')?.quality === Quality.BadNotConnected && last('h.running')?.quality === Quality.BadNotConnected);
    } finally {
      await host.close();
      await done;
      await watcher.endAsync();
      await site.close();
    }
  });
});
