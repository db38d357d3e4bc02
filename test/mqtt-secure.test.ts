import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMqttSource } from '../src/adapters/mqtt/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/broker/index.js';
import { mqttDeviceSchema, type MqttDeviceInput } from '../src/config/protocols/mqtt.js';
import { Quality, sampleAt, TagRegistry, type Sample, type Source } from '../src/core/index.js';
import { createSiteCa, issueCertificate } from '../src/security/index.js';

const ASSET = 'acme/test/area/line1/machine';

function sourceOf(input: Omit<MqttDeviceInput, 'protocol' | 'tags'>, topic: string) {
  const device = mqttDeviceSchema.parse({ ...input, protocol: 'mqtt', tags: [{ id: 'temp', asset: ASSET, address: topic, field: '$.v' }] });
  const tags = new TagRegistry();
  tags.define({ id: 'temp', assetPath: ASSET, point: 'temp', dataType: 'number', unit: '', description: '', retentionClass: 'standard', source: device.id, writable: false });
  const source = createMqttSource({ device, tags });
  const seen: Sample[] = [];
  const done = (async () => {
    for await (const b of source.batches()) for (let i = 0; i < b.length; i++) seen.push(sampleAt(b, i));
  })();
  return { source, seen, done };
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const stop = async (s: { source: Source; done: Promise<void> }) => {
  await s.source.close();
  await s.done;
};

describe('MQTT over TLS with user name and password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-mqtt-tls-'));
  let broker: EmbeddedBroker;
  let ca: string;
  beforeAll(async () => {
    const siteCa = await createSiteCa({ commonName: 'test CA' });
    const leaf = await issueCertificate({ ca: siteCa, commonName: 'broker', names: ['127.0.0.1', 'localhost'] });
    ca = siteCa.certPem;
    writeFileSync(join(dir, 'ca.crt'), ca);
    writeFileSync(join(dir, 'password'), 's3cret\n');
    broker = await startEmbeddedBroker({ port: 0, tls: { cert: leaf.certPem, key: leaf.keyPem }, authenticate: (u, p) => u === 'plc' && p === 's3cret' });
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the CA, the user name and the password from a file, and ingests', async () => {
    expect(broker.url).toMatch(/^mqtts:/);
    const s = sourceOf({ id: 'tls1', options: { url: broker.url, username: 'plc', passwordFile: join(dir, 'password'), tls: { caFile: join(dir, 'ca.crt') } } }, 'secure/temp');
    await until('connected', () => s.source.health().state === 'up');
    const pub = await mqtt.connectAsync(broker.url, { username: 'plc', password: 's3cret', ca });
    await pub.publishAsync('secure/temp', JSON.stringify({ v: 4.5 }));
    await until('value', () => s.seen.find((x) => x.value === 4.5));
    await pub.endAsync();
    await stop(s);
  });

  it('reports a wrong password and an untrusted broker certificate in health, without crashing', async () => {
    process.env['FABRIK_TEST_MQTT_PW'] = 'wrong';
    const wrong = sourceOf({ id: 'tls2', options: { url: broker.url, username: 'plc', passwordEnv: 'FABRIK_TEST_MQTT_PW', tls: { caFile: join(dir, 'ca.crt') } } }, 'secure/temp');
    const untrusted = sourceOf({ id: 'tls3', options: { url: broker.url, username: 'plc', passwordFile: join(dir, 'password') } }, 'secure/temp');
    await until('refused', () => wrong.source.health().state === 'down' && /authori[sz]|user name|password/i.test(wrong.source.health().message ?? ''));
    await until('untrusted', () => untrusted.source.health().state === 'down' && /certificate/i.test(untrusted.source.health().message ?? ''));
    expect(broker.refused()).toBeGreaterThanOrEqual(1);
    await stop(wrong);
    await stop(untrusted);
  });

  it('refuses a config whose password file is missing, naming the file', () => {
    expect(() => sourceOf({ id: 'tls4', options: { url: broker.url, passwordFile: join(dir, 'nope') } }, 'x')).toThrow(/passwordFile.*nope/);
  });
});

describe('MQTT broker restart', () => {
  it('marks tags BadNotConnected once and resumes with new values after the broker returns', async () => {
    let broker = await startEmbeddedBroker({ port: 0 });
    const port = broker.port;
    const s = sourceOf({ id: 'restart', options: { url: broker.url } }, 'plant/temp');
    await until('connected', () => s.source.health().state === 'up');
    let pub = await mqtt.connectAsync(broker.url);
    await pub.publishAsync('plant/temp', JSON.stringify({ v: 1 }));
    await until('first value', () => s.seen.at(-1)?.value === 1);
    await pub.endAsync(true);
    await broker.close();
    await until('marker', () => s.seen.at(-1)?.quality === Quality.BadNotConnected);
    expect(s.seen.at(-1)!.value).toBe(1);
    broker = await startEmbeddedBroker({ port });
    await until('reconnected', () => s.source.health().state === 'up');
    pub = await mqtt.connectAsync(broker.url);
    await pub.publishAsync('plant/temp', JSON.stringify({ v: 2 }));
    await until('value after restart', () => s.seen.at(-1)?.value === 2);
    expect(s.seen.filter((x) => x.quality === Quality.BadNotConnected)).toHaveLength(1);
    await pub.endAsync();
    await stop(s);
    await broker.close();
  });
});
