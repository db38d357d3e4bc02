import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadSiteConfig, parseSiteConfig } from '../src/config/index.js';
import { Quality } from '../src/core/index.js';
import { startEdgeNode } from '../src/node/edge-node.js';
import { startDemoPeers } from '../src/sim/demo-peers.js';
import { DEMO_CONFIG, eventually } from './edge-node-fixture.js';

describe('the demo over real sockets', () => {
  it('reads the filler and utilities over Modbus TCP and the capper over Sparkplug B through the embedded broker, and publishes the UNS', async () => {
    const peers = await startDemoPeers({ config: loadSiteConfig(DEMO_CONFIG), seed: 7, mqttPort: 0 });
    const protocols = Object.fromEntries(peers.config.devices.map((d) => [d.id, d.protocol]));
    expect(protocols).toMatchObject({ 'line1-filler': 'modbus', 'utilities-compressor1': 'modbus', 'utilities-chiller1': 'modbus', 'utilities-power': 'modbus', 'sparkplug-sim-edge': 'mqtt', line1: 'sim' });
    const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-demo-protocols-'));
    const node = await startEdgeNode({ config: peers.config, plant: peers.plant, dataDir, port: 0, logger: pino({ level: 'silent' }), webRoot: false, tickMs: 200 });
    try {
      expect(node.mqtt.broker?.port).toBe(peers.brokerPort);
      const sub = await mqtt.connectAsync(node.mqtt.broker!.url);
      const uns = new Map<string, { value: unknown; quality: string }>();
      sub.on('message', (topic, payload) => uns.set(topic, JSON.parse(payload.toString())));
      await sub.subscribeAsync('acme/demo/#');
      await peers.startSparkplug();
      const latest = (id: string) => node.store.latest(node.tags.index(id)!);
      await eventually(async () => ['line1.filler.product_temp', 'utilities.compressor1.pressure', 'line1.capper.state', 'line1.labeller.state'].every((id) => latest(id)?.quality === Quality.Good), 30_000);
      // A counter travels as int32 and arrives as a whole number.
      expect(Number.isInteger(latest('line1.filler.bottles')!.value)).toBe(true);
      const health = node.health().components;
      expect(health['line1-filler']?.state).toBe('up');
      expect(health['sparkplug-sim-edge']?.state).toBe('up');
      await eventually(async () => uns.has('acme/demo/bottling/line1/filler/product_temp') && uns.has('acme/demo/bottling/line1/capper/state'), 30_000);
      expect(uns.get('acme/demo/bottling/line1/filler/product_temp')).toMatchObject({ quality: 'good' });
      expect(node.health().components['sparkplug-out']?.state).toBe('up');
      await sub.endAsync();
    } finally {
      await node.stop();
      await peers.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs the broker with API-token login by default: anonymous clients are refused, a token is accepted, and the UNS still flows', async () => {
    const demo = loadSiteConfig(DEMO_CONFIG);
    // Plus a PLC nobody answers for: its faults must show in /metrics.
    const dead = { id: 'dead-plc', protocol: 'modbus', options: { host: '127.0.0.1', port: 1, reconnectDelay: '100ms' }, tags: [{ id: 'dead.value', asset: 'acme/demo/utilities/power', address: 'hr:0' }] };
    const config = parseSiteConfig({ ...demo, devices: [...demo.devices, dead], mqtt: { broker: { port: 0 }, uns: { prefix: 'uns/' } } });
    const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-broker-auth-'));
    const node = await startEdgeNode({ config, dataDir, port: 0, logger: pino({ level: 'silent' }), webRoot: false, tickMs: 200, seed: 3 });
    try {
      const url = node.mqtt.broker!.url;
      await expect(mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Not authorized|Bad username or password/i);
      const sub = await mqtt.connectAsync(url, { username: 'dashboard', password: node.adminToken.token, reconnectPeriod: 0 });
      const topics = new Set<string>();
      sub.on('message', (topic) => topics.add(topic));
      await sub.subscribeAsync('uns/#');
      await eventually(async () => topics.has('uns/acme/demo/bottling/line1/filler/product_temp'), 30_000);
      expect(node.health().components['uns']?.state).toBe('up');
      expect(node.health().components['dead-plc']?.state).toBe('down');
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toMatch(/fabrik_adapter_faults\{device="dead-plc",cause="connection"\} [1-9]/);
      await sub.endAsync();
    } finally {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
