import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { mqttSiteSchema } from '../src/broker/index.js';
import { batchFromSamples, Bus, Quality, TagRegistry } from '../src/core/index.js';
import { startSiteMqtt } from '../src/node/site-mqtt.js';
import { createSiteCa, issueCertificate } from '../src/security/index.js';
import { peerEnabled, PEERS } from './peers.js';

const logger = pino({ level: 'silent' });
const mosquitto = await peerEnabled('mosquitto');
const tokens = { verify: (t: string) => (t === 'viewer-token' ? { name: 'v', role: 'viewer' } : null) };

describe("the node's broker and UNS follow the site's security", () => {
  it('serves MQTT over TLS with the node certificate, and its own UNS publisher gets in while strangers do not', async () => {
    const ca = await createSiteCa({ commonName: 'site CA' });
    const leaf = await issueCertificate({ ca, commonName: 'node', names: ['node.plant.local'] });
    const tags = new TagRegistry();
    const t = tags.define({ id: 'l1.temp', assetPath: 'acme/p1/l1/m1', point: 'temp', dataType: 'number', unit: '°C', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const bus = new Bus();
    const site = await startSiteMqtt({
      config: mqttSiteSchema.parse({ broker: { port: 0 }, uns: {} }),
      tags,
      bus,
      logger,
      tokens,
      tlsMode: 'required',
      tlsMaterial: { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem, source: 'test' },
    });
    try {
      expect(site.broker!.url).toMatch(/^mqtts:\/\//);
      const tlsOpts = { ca: ca.certPem, servername: 'node.plant.local', reconnectPeriod: 0, connectTimeout: 5000 };
      await expect(mqtt.connectAsync(site.broker!.url, { ...tlsOpts, username: 'x', password: 'wrong' })).rejects.toThrow();
      const sub = await mqtt.connectAsync(site.broker!.url, { ...tlsOpts, username: 'any', password: 'viewer-token' });
      const got: unknown[] = [];
      sub.on('message', (_topic, payload) => got.push(JSON.parse(payload.toString())));
      await sub.subscribeAsync('acme/#');
      const end = Date.now() + 15_000;
      while (site.uns!.health().state !== 'up' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      bus.publish('samples', batchFromSamples([{ tag: t, ts: 1, value: 5, quality: Quality.Good }]));
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([{ tag: 'l1.temp', value: 5, unit: '°C', quality: 'good', qualityCode: 192, ts: 1 }]);
      await sub.endAsync();
    } finally {
      await site.close();
    }
  });

  it('refuses plain MQTT off loopback and UNS without a broker, with messages that say what to do', async () => {
    const base = { tags: new TagRegistry(), bus: new Bus(), logger, tokens, tlsMaterial: null };
    await expect(startSiteMqtt({ ...base, config: mqttSiteSchema.parse({ broker: { host: '0.0.0.0', port: 0, tls: 'off' } }), tlsMode: 'auto' })).rejects.toThrow(/loopback only/);
    await expect(startSiteMqtt({ ...base, config: mqttSiteSchema.parse({ broker: { host: '0.0.0.0', port: 0 } }), tlsMode: 'auto' })).rejects.toThrow(/without TLS.*fabrik init/);
    await expect(startSiteMqtt({ ...base, config: mqttSiteSchema.parse({ uns: {} }), tlsMode: 'auto' })).rejects.toThrow(/mqtt.uns needs a broker/);
  });

  it.runIf(mosquitto)('publishes the UNS to an external broker (Mosquitto) without running its own', async () => {
    const tags = new TagRegistry();
    const t = tags.define({ id: 'l1.flow', assetPath: 'acme/p9/l1/m1', point: 'flow', dataType: 'number', unit: 'L/min', description: '', retentionClass: 'standard', source: 'x', writable: false });
    const bus = new Bus();
    const url = `mqtt://${PEERS.mosquitto.host}:${PEERS.mosquitto.port}`;
    const prefix = `fabrik-test-${process.pid}/`;
    const site = await startSiteMqtt({ config: mqttSiteSchema.parse({ uns: { url, prefix, retain: false } }), tags, bus, logger, tokens, tlsMode: 'auto', tlsMaterial: null });
    const sub = await mqtt.connectAsync(url);
    try {
      expect(site.broker).toBeUndefined();
      const got: string[] = [];
      sub.on('message', (topic) => got.push(topic));
      await sub.subscribeAsync(`${prefix}#`);
      const end = Date.now() + 15_000;
      while (site.uns!.health().state !== 'up' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      bus.publish('samples', batchFromSamples([{ tag: t, ts: 1, value: 120, quality: Quality.Good }]));
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([`${prefix}acme/p9/l1/m1/flow`]);
    } finally {
      await sub.endAsync();
      await site.close();
    }
  });
});
