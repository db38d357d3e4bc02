/**
 * Modbus TCP and MQTT ingest, each beside what the same peer gives a bare
 * client (modbus-serial, mqtt.js) so Fabrik's overhead reads as a ratio.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import modbusSerial from 'modbus-serial';
import mqtt from 'mqtt';
import { createModbusSource } from '../src/adapters/modbus/index.js';
import { createMqttSource } from '../src/adapters/mqtt/index.js';
import { startEmbeddedBroker } from '../src/broker/index.js';
import { modbusDeviceSchema } from '../src/config/protocols/modbus.js';
import { mqttDeviceSchema } from '../src/config/protocols/mqtt.js';
import { TagRegistry, type Source } from '../src/core/index.js';
import { ModbusRegisterBank } from '../src/sim/modbus-register-bank.js';
import { startModbusSimServer } from '../src/sim/modbus-sim-server.js';
import type { Metric } from './metric.js';

const ASSET = 'bench/site/area/line/machine';

function registryFor(device: { id: string; tags: { id: string; type: 'number' | 'integer' | 'boolean' | 'string' }[] }): TagRegistry {
  const tags = new TagRegistry();
  for (const t of device.tags) tags.define({ id: t.id, assetPath: ASSET, point: t.id, dataType: t.type, unit: '', description: '', retentionClass: 'standard', source: device.id, writable: false });
  return tags;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Pulls a source for `ms`, calling `onBatch` with each batch's size. */
async function drain(source: Source, ms: number, onBatch: (n: number, at: number) => void): Promise<void> {
  const it = source.batches()[Symbol.asyncIterator]();
  const end = performance.now() + ms;
  const timer = setTimeout(() => void source.close(), ms);
  while (performance.now() < end) {
    const r = await it.next();
    if (r.done) break;
    onBatch(r.value.length, performance.now());
  }
  clearTimeout(timer);
  await source.close();
}

export async function benchModbus(opts: { seconds: number; devices: number; registers: number; progress: (m: string) => void }): Promise<Record<string, Metric>> {
  const bank = new ModbusRegisterBank();
  for (let a = 0; a < opts.registers; a++) bank.set('holding', a, a);
  const units = new Map(Array.from({ length: opts.devices }, (_, i) => [i + 1, bank] as const));
  const server = await startModbusSimServer({ units });
  const ms = opts.seconds * 1000;
  try {
    // Bare modbus-serial: one connection reading the block back to back.
    opts.progress('modbus: bare modbus-serial');
    const client = new modbusSerial.default();
    await client.connectTCP(server.host, { port: server.port });
    client.setID(1);
    let bareReads = 0;
    const bareEnd = performance.now() + ms;
    while (performance.now() < bareEnd) {
      await client.readHoldingRegisters(0, opts.registers);
      bareReads++;
    }
    client.close(() => {});
    const bareRate = bareReads / opts.seconds;

    // Fabrik: one device, every register a tag, polled as fast as it answers.
    opts.progress('modbus: ModbusSource, one device back to back');
    const tagsIn = Array.from({ length: opts.registers }, (_, a) => ({ id: `r${a}`, asset: ASSET, address: `hr:${a}` }));
    const one = modbusDeviceSchema.parse({ id: 'bench', protocol: 'modbus', interval: '1ms', options: { host: server.host, port: server.port }, tags: tagsIn });
    const oneSource = createModbusSource({ device: one, tags: registryFor(one) });
    let polls = 0;
    await drain(oneSource, ms, () => polls++);
    const fabrikRate = polls / opts.seconds;

    // Many devices at 100 ms: reads/s and how late each poll lands against its 100 ms grid.
    opts.progress(`modbus: ${opts.devices} devices × ${opts.registers} registers at 100 ms`);
    const sources = Array.from({ length: opts.devices }, (_, i) => {
      const device = modbusDeviceSchema.parse({ id: `d${i}`, protocol: 'modbus', interval: '100ms', options: { host: server.host, port: server.port, unitId: i + 1, timeout: '5s' }, tags: tagsIn });
      return createModbusSource({ device, tags: registryFor(device) });
    });
    let manyPolls = 0;
    await Promise.all(sources.map((s) => drain(s, ms, () => manyPolls++)));
    // Each source measures how late its polls start against their 100 ms grid.
    const late = sources.map((s) => s.health().details?.['pollLateMs'] as { p50: number; p99: number } | null).filter((x) => x !== null);
    const expected = (opts.devices * ms) / 100;
    return {
      'modbus.bare_reads_per_s': { value: Math.round(bareRate), unit: `reads/s of ${opts.registers} regs`, target: 'baseline (modbus-serial)' },
      'modbus.fabrik_reads_per_s': { value: Math.round(fabrikRate), unit: `reads/s of ${opts.registers} regs`, target: 'near bare' },
      'modbus.fabrik_vs_bare': { value: Number((fabrikRate / bareRate).toFixed(2)), unit: 'ratio', target: '≥ 0.8' },
      'modbus.many_reads_per_s': { value: Math.round(manyPolls / opts.seconds), unit: `reads/s, ${opts.devices}×${opts.registers} @100ms`, target: `${Math.round(expected / opts.seconds)} (all polls)` },
      'modbus.many_poll_late_p50': { value: percentile(late.map((l) => l.p50), 50), unit: 'ms (median device)', target: '< 10' },
      'modbus.many_poll_late_p99': { value: percentile(late.map((l) => l.p99), 100), unit: 'ms (worst device)', target: '< 50' },
    };
  } finally {
    await server.close();
  }
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(300, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Publishes `n` messages from a child process (its CPU is not the subscriber's). */
function flood(url: string, kind: 'json' | 'sparkplug', n: number, prefix: string): Promise<void> {
  const child = fileURLToPath(new URL('./mqtt-flood-child.js', import.meta.url));
  return new Promise((resolve, reject) => execFile(process.execPath, [child, url, kind, String(n), prefix], (err) => (err ? reject(err) : resolve())));
}

async function bareRate(url: string, filter: string, n: number, kind: 'json' | 'sparkplug', prefix: string, timeoutMs: number): Promise<number> {
  const sub = await mqtt.connectAsync(url, { protocolVersion: 4 });
  await sub.subscribeAsync(filter, { qos: 0 });
  let got = 0;
  let t0 = 0;
  let t1 = 0;
  sub.on('message', () => {
    if (got === 0) t0 = performance.now();
    got++;
    t1 = performance.now();
  });
  await flood(url, kind, n, prefix);
  const end = Date.now() + timeoutMs;
  while (got < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await sub.endAsync(true);
  return got > 1 ? got / ((t1 - t0) / 1000) : 0;
}

async function sourceRate(source: Source, url: string, n: number, expected: number, kind: 'json' | 'sparkplug', prefix: string, timeoutMs: number): Promise<{ rate: number; got: number }> {
  let got = 0;
  let t0 = 0;
  let t1 = 0;
  const done = (async () => {
    for await (const b of source.batches()) {
      if (got === 0) t0 = performance.now();
      got += b.length;
      t1 = performance.now();
      if (got >= expected) break;
    }
  })();
  while (source.health().state !== 'up') await new Promise((r) => setTimeout(r, 20));
  await flood(url, kind, n, prefix);
  const end = Date.now() + timeoutMs;
  while (got < expected && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await source.close();
  await done;
  return { rate: got > 1 ? got / ((t1 - t0) / 1000) : 0, got };
}

export async function benchMqtt(opts: { messages: number; progress: (m: string) => void }): Promise<Record<string, Metric>> {
  const mosquitto = await answers('127.0.0.1', 1883);
  const embedded = mosquitto ? undefined : await startEmbeddedBroker({ port: 0 });
  const url = embedded?.url ?? 'mqtt://127.0.0.1:1883';
  const peer = mosquitto ? 'Mosquitto' : 'aedes (embedded)';
  const run = `bench-${process.pid}`;
  const n = opts.messages;
  const timeoutMs = 120_000;
  try {
    opts.progress(`mqtt: bare mqtt.js JSON via ${peer}`);
    const bareJson = await bareRate(url, `${run}/json/#`, n, 'json', run, timeoutMs);
    opts.progress(`mqtt: MqttSource JSON via ${peer}`);
    const jsonDevice = mqttDeviceSchema.parse({
      id: 'bench-json',
      protocol: 'mqtt',
      options: { url },
      tags: Array.from({ length: 100 }, (_, m) => ({ id: `m${m}.temp`, asset: ASSET, address: `${run}/json/m${m}/temp`, field: '$.value', timestampField: '$.ts' })),
    });
    const fabrikJson = await sourceRate(createMqttSource({ device: jsonDevice, tags: registryFor(jsonDevice) }), url, n, n, 'json', run, timeoutMs);

    const group = `${run}-sp`;
    opts.progress(`mqtt: bare mqtt.js Sparkplug via ${peer}`);
    const bareSp = await bareRate(url, `spBv1.0/${group}/#`, n, 'sparkplug', group, timeoutMs);
    opts.progress(`mqtt: MqttSource Sparkplug via ${peer}`);
    const spDevice = mqttDeviceSchema.parse({
      id: 'bench-sp',
      protocol: 'mqtt',
      options: { url, mode: 'sparkplug', sparkplug: { groupId: group } },
      tags: Array.from({ length: 10 }, (_, k) => ({ id: `sp.m${k}`, asset: ASSET, address: `edge/dev/m${k}` })),
    });
    // Samples: 10 from the DBIRTH, then one per DDATA.
    const fabrikSp = await sourceRate(createMqttSource({ device: spDevice, tags: registryFor(spDevice) }), url, n, n - 2 + 10, 'sparkplug', group, timeoutMs);
    return {
      'mqtt.bare_json_msgs_per_s': { value: Math.round(bareJson), unit: `msg/s via ${peer}`, target: 'baseline (mqtt.js)' },
      'mqtt.fabrik_json_msgs_per_s': { value: Math.round(fabrikJson.rate), unit: `msg/s via ${peer}`, target: '≥ 100000' },
      'mqtt.json_fabrik_vs_bare': { value: Number((fabrikJson.rate / bareJson).toFixed(2)), unit: 'ratio', target: '≥ 0.7' },
      'mqtt.bare_sparkplug_msgs_per_s': { value: Math.round(bareSp), unit: `msg/s via ${peer}`, target: 'baseline (mqtt.js)' },
      'mqtt.fabrik_sparkplug_msgs_per_s': { value: Math.round(fabrikSp.rate), unit: `msg/s via ${peer}`, target: '≥ 100000' },
      'mqtt.sparkplug_fabrik_vs_bare': { value: Number((fabrikSp.rate / bareSp).toFixed(2)), unit: 'ratio', target: '≥ 0.5' },
    };
  } finally {
    await embedded?.close();
  }
}
