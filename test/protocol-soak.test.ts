import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createModbusSource } from '../src/adapters/modbus/index.js';
import { createMqttSource } from '../src/adapters/mqtt/index.js';
import { startEmbeddedBroker } from '../src/broker/index.js';
import { modbusDeviceSchema } from '../src/config/protocols/modbus.js';
import { mqttDeviceSchema } from '../src/config/protocols/mqtt.js';
import { Quality, sampleAt, TagRegistry, type Sample, type Source } from '../src/core/index.js';
import { ModbusRegisterBank } from '../src/sim/modbus-register-bank.js';
import { startModbusSimServer } from '../src/sim/modbus-sim-server.js';

/**
 * Soak: the peers are restarted every ~1.5 s while the adapters run. Every
 * outage must be marked exactly once and every restart must bring values back.
 * Short here; FABRIK_SOAK_SECONDS=1800 gives the nightly half hour.
 */
const SECONDS = Number(process.env['FABRIK_SOAK_SECONDS'] ?? 6);
const UP_MS = 1200;
const DOWN_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(source: Source) {
  const seen: Sample[] = [];
  const done = (async () => {
    for await (const b of source.batches()) for (let i = 0; i < b.length; i++) seen.push(sampleAt(b, i));
  })();
  return { seen, done };
}

async function until(what: string, fn: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Outages = runs of BadNotConnected between good values; each run must be one marker. */
function outages(seen: Sample[]): { markers: number; recoveries: number } {
  let markers = 0;
  let recoveries = 0;
  let down = false;
  for (const s of seen) {
    if (s.quality === Quality.BadNotConnected) {
      markers++;
      down = true;
    } else if (s.quality === Quality.Good && down) {
      recoveries++;
      down = false;
    }
  }
  return { markers, recoveries };
}

const registry = (id: string) => {
  const tags = new TagRegistry();
  tags.define({ id, assetPath: 'a/b', point: id, dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: 'soak', writable: false });
  return tags;
};

describe(`adapters while their peers restart (${SECONDS} s)`, () => {
  it('Modbus: one marker per outage, values back after every restart', async () => {
    const bank = new ModbusRegisterBank();
    bank.set('holding', 0, 1);
    let server = await startModbusSimServer({ units: new Map([[1, bank]]) });
    const port = server.port;
    const device = modbusDeviceSchema.parse({ id: 'soak-plc', protocol: 'modbus', interval: '50ms', options: { host: server.host, port, timeout: '500ms', reconnectDelay: '50ms', maxReconnectDelay: '200ms' }, tags: [{ id: 'v', asset: 'a/b', address: 'hr:0' }] });
    const source = createModbusSource({ device, tags: registry('v') });
    const c = collect(source);
    const rss0 = process.memoryUsage().rss;
    let restarts = 0;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      await until('good value', () => c.seen.at(-1)?.quality === Quality.Good);
      await sleep(UP_MS);
      await server.close();
      await until('marker', () => c.seen.at(-1)?.quality === Quality.BadNotConnected);
      await sleep(DOWN_MS);
      bank.set('holding', 0, ++restarts + 1);
      server = await startModbusSimServer({ units: new Map([[1, bank]]), port });
    }
    await until('last value', () => c.seen.at(-1)?.value === restarts + 1 && c.seen.at(-1)?.quality === Quality.Good);
    await source.close();
    await c.done;
    await server.close();
    expect(restarts).toBeGreaterThanOrEqual(2);
    expect(outages(c.seen)).toEqual({ markers: restarts, recoveries: restarts });
    process.stderr.write(`modbus soak: ${restarts} restarts, ${c.seen.length} samples, rss ${Math.round((process.memoryUsage().rss - rss0) / 1e6)} MB change\n`);
  }, SECONDS * 1000 + 60_000);

  it('MQTT: one marker per broker outage, subscription back after every restart', async () => {
    let broker = await startEmbeddedBroker({ port: 0 });
    const port = broker.port;
    const url = broker.url;
    const device = mqttDeviceSchema.parse({ id: 'soak-mqtt', protocol: 'mqtt', options: { url }, tags: [{ id: 'm', asset: 'a/b', address: 'soak/v', field: '$.v' }] });
    const source = createMqttSource({ device, tags: registry('m') });
    const c = collect(source);
    const pub = mqtt.connect(url, { reconnectPeriod: 100 });
    let n = 0;
    const ticker = setInterval(() => pub.connected && pub.publish('soak/v', JSON.stringify({ v: ++n })), 50);
    let restarts = 0;
    const end = Date.now() + SECONDS * 1000;
    try {
      while (Date.now() < end) {
        const before = c.seen.length;
        await until('good values', () => c.seen.length > before + 3 && c.seen.at(-1)?.quality === Quality.Good);
        await sleep(UP_MS);
        await broker.close();
        await until('marker', () => c.seen.at(-1)?.quality === Quality.BadNotConnected);
        await sleep(DOWN_MS);
        broker = await startEmbeddedBroker({ port });
        restarts++;
      }
      await until('values after the last restart', () => c.seen.at(-1)?.quality === Quality.Good);
    } finally {
      clearInterval(ticker);
      await pub.endAsync(true);
      await source.close();
      await c.done;
      await broker.close();
    }
    expect(restarts).toBeGreaterThanOrEqual(2);
    expect(outages(c.seen)).toEqual({ markers: restarts, recoveries: restarts });
  }, SECONDS * 1000 + 60_000);
});
