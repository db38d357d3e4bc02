import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality } from '../src/core/index.js';
import { createPlant, type Plant } from '../src/sim/index.js';
import { startOpcuaPlantServer, type OpcuaPlantServer } from '../src/sim/opcua-plant-server.js';
import { OPCUACertificateManager } from 'node-opcua';
import { parse, stringify } from 'yaml';
import { clientTrustList, discoveredBindings, discoverOpcua, type OpcuaDevice } from '../src/adapters/opcua/index.js';
import { parseSiteConfig } from '../src/config/index.js';
import { opcuaOptionsSchema } from '../src/config/protocols/opcua.js';
import { startTestNode } from '../src/api/test-node.js';
import { freePort, plantDevice, recordSource, startLinkProxy, tempDir, waitFor } from './opcua-fixture.js';

// One plant server for the file: node-opcua takes seconds to start on a loaded machine.
let plant: Plant;
let server: OpcuaPlantServer;
let dirs: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  dirs = await tempDir('fabrik-opcua-');
  plant = createPlant({ seed: 7, startTime: Date.now() });
  server = await startOpcuaPlantServer({ plant, port: 0, pkiDir: `${dirs.dir}/server-pki`, users: [{ username: 'fabrik', password: 'secret-1' }] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await dirs?.remove();
});

describe('OPC UA source against the plant server', () => {
  it('subscribes and receives the lathe values with source timestamps and good quality', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['cnc1.lathe.'], namespaceIndex: server.namespaceIndex });
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      const speed = await waitFor(() => rec.of('cnc1.lathe.spindle_speed')[0], 'a spindle speed sample');
      expect(speed.quality).toBe(Quality.Good);
      expect(typeof speed.value).toBe('number');
      expect(Math.abs(speed.ts - Date.now())).toBeLessThan(60_000);
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { connected: true } });
      await waitFor(() => rec.of('cnc1.lathe.spindle_speed').length >= 2 || rec.of('cnc1.lathe.state').length >= 1, 'more samples');
      // Timestamps only increase per tag.
      for (const id of new Set(rec.samples.map((s) => s.id))) {
        const ts = rec.of(id).map((s) => s.ts);
        expect([...ts].sort((a, b) => a - b)).toEqual(ts);
        expect(new Set(ts).size).toBe(ts.length);
      }
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA quality round trip', () => {
  it('carries a simulated sensor fault as StatusCode to the same quality byte, and back to good', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.chiller1.return_temp'], namespaceIndex: server.namespaceIndex });
    device.tags[0]!.samplingInterval = 100;
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    const id = device.tags[0]!.id;
    try {
      await waitFor(() => rec.of(id).find((s) => s.quality === Quality.Good), 'a good value');
      for (const quality of [Quality.BadSensorFailure, Quality.UncertainSensorNotAccurate]) {
        const fault = plant.injectFault({ address: id, kind: 'step', offset: 0.5, quality });
        const faulty = await waitFor(() => rec.of(id).find((s) => s.quality === quality), `quality ${quality} over OPC UA`);
        expect(typeof faulty.value).toBe('number');
        plant.clearFault(fault);
        await waitFor(() => rec.of(id).at(-1)?.quality === Quality.Good, 'good again');
      }
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA monitoring parameters', () => {
  it('applies per-tag sampling interval and server-side deadbands (absolute and percent of EURange)', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.compressor1.pressure'], namespaceIndex: server.namespaceIndex });
    const base = device.tags[0]!;
    device.tags = [
      { ...base, id: 'p.every', samplingInterval: 100, queueSize: 5 },
      { ...base, id: 'p.absolute', samplingInterval: 100, opcDeadband: { type: 'absolute', value: 1e6 } },
      { ...base, id: 'p.percent', samplingInterval: 100, opcDeadband: { type: 'percent', value: 100 } },
    ];
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      await waitFor(() => rec.of('p.every').length >= 5, 'the pressure changing');
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { badItems: 0 } });
      // The deadbands let only the first value through while the pressure moves.
      expect(rec.of('p.absolute')).toHaveLength(1);
      expect(rec.of('p.percent')).toHaveLength(1);
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA write-back', () => {
  it('writes a writable setpoint in the server type and answers with the value read back; refuses tags the config does not mark writable', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.chiller1.'], namespaceIndex: server.namespaceIndex });
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      await waitFor(() => rec.source.health().state === 'up', 'the subscription');
      const setpoint = rec.tags.index('utilities.chiller1.setpoint')!;
      const info = plant.signals().find((s) => s.address === 'utilities.chiller1.setpoint')!;
      const target = Math.round((info.low + info.high) / 2);
      const back = await rec.source.write(setpoint, target);
      expect(back).toMatchObject({ value: target, quality: Quality.Good });
      expect(plant.read('utilities.chiller1.setpoint')).toBe(target);
      await expect(rec.source.write(setpoint, info.high + 100)).rejects.toMatchObject({ code: 'OPCUA_WRITE_FAILED' });
      const supply = rec.tags.index('utilities.chiller1.supply_temp')!;
      await expect(rec.source.write(supply, 1)).rejects.toMatchObject({ code: 'OPCUA_NOT_WRITABLE' });
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA bad input', () => {
  it('turns an unknown NodeId into a BadConfigError sample and a degraded health, and keeps the good tags flowing', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.power.'], namespaceIndex: server.namespaceIndex });
    device.tags.push({ ...device.tags[0]!, id: 'utilities.power.nothing', address: `ns=${server.namespaceIndex};s=utilities.power.nothing` });
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      const bad = await waitFor(() => rec.of('utilities.power.nothing')[0], 'a sample for the unknown node');
      expect(bad.quality).toBe(Quality.BadConfigError);
      await waitFor(() => rec.of(device.tags[0]!.id).find((s) => s.quality === Quality.Good), 'good values of the known tags');
      expect(rec.source.health()).toMatchObject({ state: 'degraded', details: { badItems: 1, faults: { 'item:BadNodeIdUnknown': 1 } } });
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA namespace URIs', () => {
  it('resolves nsu= NodeIds with the server\'s NamespaceArray, and marks an unknown namespace as a refused item', async () => {
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.power.'], namespaceIndex: server.namespaceIndex });
    const first = device.tags[0]!;
    device.tags = [
      { ...first, address: `nsu=${server.namespaceUri};s=${first.id}` },
      { ...first, id: 'elsewhere', address: `nsu=urn:nowhere;s=${first.id}` },
    ];
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      await waitFor(() => rec.of(first.id).find((s) => s.quality === Quality.Good), 'a value through the namespace URI');
      expect(rec.of('elsewhere')[0]).toMatchObject({ quality: Quality.BadConfigError });
      expect(rec.source.health()).toMatchObject({ state: 'degraded', details: { badItems: 1 } });
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA security', () => {
  it('rejects an unknown server certificate, lists it, and connects with SignAndEncrypt/Basic256Sha256 and a username once an engineer trusts it through the API', async () => {
    const pkiDir = `${dirs.dir}/client-secure`;
    const api = await startTestNode({ opcua: clientTrustList(pkiDir) });
    const device = plantDevice({
      endpoint: server.endpoint,
      prefixes: ['utilities.chiller1.'],
      namespaceIndex: server.namespaceIndex,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      identity: { type: 'username', username: 'fabrik', password: 'secret-1' },
    });
    device.options.maxReconnectDelay = 300;
    const rec = recordSource(device, pkiDir);
    try {
      const listed = await waitFor(async () => {
        const body = (await (await api.get('/api/v1/opcua/certificates', api.tokens.engineer)).json()) as { rejected: { thumbprint: string; applicationUri: string | null }[]; trusted: unknown[] };
        return body.rejected.length > 0 ? body : undefined;
      }, 'the server certificate in the rejected list');
      expect(listed.trusted).toEqual([]);
      expect(listed.rejected[0]!.applicationUri).toBe('urn:fabrik:sim:plant');
      expect(rec.source.health()).toMatchObject({ state: 'down', message: expect.stringMatching(/not trusted/) });
      // Nothing arrives but the marker saying the tags are not connected.
      expect(rec.samples.every((s) => s.quality === Quality.BadNotConnected && Number.isNaN(s.value))).toBe(true);

      const thumbprint = listed.rejected[0]!.thumbprint;
      const rejected = await waitFor(() => rec.events.find((e) => e.kind === 'opcua.certificate.rejected'), 'the certificate-rejected event');
      expect(rejected.payload['thumbprints']).toEqual([thumbprint]);
      expect(rec.events.map((e) => e.kind)).toEqual(['opcua.certificate.rejected']);
      expect(rec.source.health().details).toMatchObject({ faults: { 'certificate:untrusted': expect.any(Number) } });
      expect((await api.send('POST', `/api/v1/opcua/certificates/${thumbprint}/trust`, undefined, api.tokens.operator)).status).toBe(403);
      const trusted = await api.send('POST', `/api/v1/opcua/certificates/${thumbprint}/trust`, undefined, api.tokens.engineer);
      expect(trusted.status).toBe(200);
      expect(((await trusted.json()) as { trusted: { thumbprint: string } }).trusted.thumbprint).toBe(thumbprint);
      expect((await api.send('POST', `/api/v1/opcua/certificates/${thumbprint}/trust`, undefined, api.tokens.engineer)).status).toBe(404);

      const good = await waitFor(() => rec.of('utilities.chiller1.supply_temp').find((s) => s.quality === Quality.Good), 'a chiller value over SignAndEncrypt');
      expect(typeof good.value).toBe('number');
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { security: 'SignAndEncrypt/Basic256Sha256' } });
    } finally {
      await rec.stop();
      await api.stop();
    }
  });

  it.each([
    ['Sign', 'Aes128_Sha256_RsaOaep'],
    ['SignAndEncrypt', 'Aes256_Sha256_RsaPss'],
  ] as const)('subscribes with %s / %s once the server certificate is trusted', async (securityMode, securityPolicy) => {
    const pkiDir = `${dirs.dir}/client-policies`;
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.compressor1.'], namespaceIndex: server.namespaceIndex, securityMode, securityPolicy });
    device.options.maxReconnectDelay = 300;
    const rec = recordSource(device, pkiDir);
    try {
      const trust = clientTrustList(pkiDir);
      await waitFor(async () => {
        const { rejected, trusted } = await trust.list();
        if (trusted.length > 0) return true;
        if (rejected[0]) await trust.trust(rejected[0].thumbprint);
        return false;
      }, 'the server certificate trusted');
      await waitFor(() => rec.of('utilities.compressor1.pressure').find((s) => s.quality === Quality.Good), `a value over ${securityMode}/${securityPolicy}`);
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { security: `${securityMode}/${securityPolicy}` } });
    } finally {
      await rec.stop();
    }
  });

  it('logs in with an X509 user certificate', async () => {
    const userPki = new OPCUACertificateManager({ rootFolder: `${dirs.dir}/user-pki`, name: 'user' });
    await userPki.initialize();
    const certificateFile = `${dirs.dir}/user-pki/user.pem`;
    await userPki.createSelfSignedCertificate({ applicationUri: 'urn:fabrik:test:user', subject: '/CN=fabrik-user', dns: [], startDate: new Date(), validity: 30, outputFile: certificateFile });
    await userPki.dispose();
    const pkiDir = `${dirs.dir}/client-policies`;
    const device = plantDevice({ endpoint: server.endpoint, prefixes: ['utilities.chiller1.'], namespaceIndex: server.namespaceIndex, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' });
    device.options.identity = { type: 'certificate', certificateFile, privateKeyFile: `${dirs.dir}/user-pki/own/private/private_key.pem` };
    device.options.maxReconnectDelay = 300;
    const rec = recordSource(device, pkiDir);
    try {
      const trust = clientTrustList(pkiDir);
      await waitFor(async () => {
        const { rejected, trusted } = await trust.list();
        if (trusted.length > 0) return true;
        if (rejected[0]) await trust.trust(rejected[0].thumbprint);
        return false;
      }, 'the server certificate trusted');
      await waitFor(() => rec.of('utilities.chiller1.supply_temp').find((s) => s.quality === Quality.Good), 'a value with the certificate identity');
    } finally {
      await rec.stop();
    }
  });

  it('refuses a wrong password and says so in health', async () => {
    const device = plantDevice({
      endpoint: server.endpoint,
      prefixes: ['utilities.power.'],
      namespaceIndex: server.namespaceIndex,
      identity: { type: 'username', username: 'fabrik', password: 'wrong' },
    });
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      await waitFor(() => rec.source.health().state === 'down', 'the source to report down');
      expect(rec.source.health().message).toMatch(/BadUserAccessDenied|BadIdentityTokenRejected|access/i);
    } finally {
      await rec.stop();
    }
  });
});

describe('OPC UA recovery', () => {
  it('marks the outage of a restarted server with one bad-quality sample per tag, resubscribes, and delivers no duplicate', async () => {
    const port = await freePort();
    const restartPlant = createPlant({ seed: 3, startTime: Date.now() });
    const serverPki = `${dirs.dir}/restart-server-pki`;
    let restarting: OpcuaPlantServer | null = await startOpcuaPlantServer({ plant: restartPlant, port, pkiDir: serverPki, securityModes: ['None'], securityPolicies: ['None'] });
    const device = plantDevice({ endpoint: restarting.endpoint, prefixes: ['utilities.compressor1.'], namespaceIndex: restarting.namespaceIndex });
    device.options.maxReconnectDelay = 300;
    const rec = recordSource(device, `${dirs.dir}/client-restart`);
    const ids = device.tags.map((t) => t.id);
    try {
      await waitFor(() => ids.every((id) => rec.of(id).some((s) => s.quality === Quality.Good)), 'a good value of every compressor tag');
      await restarting.stop();
      restarting = null;
      await waitFor(() => ids.every((id) => rec.of(id).some((s) => s.quality === Quality.BadCommFailure)), 'a gap marker on every tag');
      expect(rec.source.health().state).toBe('down');
      // Down for a while: retries must not add markers.
      await new Promise((r) => setTimeout(r, 1000));
      restarting = await startOpcuaPlantServer({ plant: restartPlant, port, pkiDir: serverPki, securityModes: ['None'], securityPolicies: ['None'] });
      await waitFor(() => ids.every((id) => rec.of(id).at(-1)?.quality === Quality.Good), 'good values again after the restart');
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { sessions: 2 } });
      // One event per outage for the event list, not one per retry.
      expect(rec.events.map((e) => e.kind)).toEqual(['opcua.connection.lost', 'opcua.connection.restored']);
      expect(rec.events[0]).toMatchObject({ assetPath: 'acme/demo/utilities/compressor1', payload: { device: device.id } });
      for (const id of ids) {
        const series = rec.of(id);
        const markers = series.filter((s) => s.quality === Quality.BadCommFailure);
        expect(markers, id).toHaveLength(1);
        expect(Number.isNaN(markers[0]!.value)).toBe(true);
        const ts = series.map((s) => s.ts);
        expect(ts, `${id} timestamps increase`).toEqual([...ts].sort((a, b) => a - b));
        expect(new Set(ts).size, `${id} has no duplicate`).toBe(ts.length);
        const markerAt = series.indexOf(markers[0]!);
        expect(series[markerAt + 1]?.quality, `${id} resumes after its marker`).toBe(Quality.Good);
      }
    } finally {
      await rec.stop();
      await restarting?.stop();
    }
  });
});

describe('OPC UA network loss', () => {
  it('notices a silent link (no socket closed) by missing keep-alives, marks the gap once, and resubscribes when the link is back', async () => {
    const proxy = await startLinkProxy({ host: '127.0.0.1', port: server.port });
    const device = plantDevice({ endpoint: server.endpoint.replace(/:\d+\//, `:${proxy.port}/`).replace('localhost', '127.0.0.1'), prefixes: ['utilities.power.'], namespaceIndex: server.namespaceIndex });
    Object.assign(device.options, { keepAliveInterval: 1000, requestTimeout: 2000, maxReconnectDelay: 500 });
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    const ids = device.tags.map((t) => t.id);
    try {
      await waitFor(() => ids.every((id) => rec.of(id).some((s) => s.quality === Quality.Good)), 'good values through the link');
      proxy.cut();
      await waitFor(() => ids.every((id) => rec.of(id).some((s) => s.quality === Quality.BadCommFailure)), 'a gap marker on every tag', 60_000);
      proxy.restore();
      await waitFor(() => ids.every((id) => rec.of(id).at(-1)?.quality === Quality.Good), 'good values once the link is back', 60_000);
      for (const id of ids) {
        const series = rec.of(id);
        expect(series.filter((s) => s.quality === Quality.BadCommFailure), id).toHaveLength(1);
        const ts = series.map((s) => s.ts);
        expect(new Set(ts).size, `${id} has no duplicate`).toBe(ts.length);
        expect(ts, `${id} timestamps increase`).toEqual([...ts].sort((a, b) => a - b));
      }
      expect(rec.source.health()).toMatchObject({ state: 'up', details: { sessions: 2 } });
    } finally {
      await rec.stop();
      await proxy.close();
    }
  }, 120_000);
});

describe('fabrik discover opcua', () => {
  it('browses the plant server into bindings that parse back through the site config schema', async () => {
    const found = await discoverOpcua({ options: opcuaOptionsSchema.parse({ endpoint: server.endpoint }), pkiDir: `${dirs.dir}/client-none` });
    expect(found.tags).toHaveLength(plant.signals().length);
    const fragment = discoveredBindings(found, { deviceId: 'plant', endpoint: server.endpoint, securityMode: 'None', securityPolicy: 'None' });
    expect(fragment.serverWritable.map((i) => fragment.devices[0]!.tags[i]!.id)).toEqual(['utilities.chiller1.setpoint']);
    const text = stringify({ assets: fragment.assets, devices: fragment.devices });
    const config = parseSiteConfig({ site: { id: 'disc', name: 'Discovered', enterprise: 'acme' }, ...(parse(text) as object) });
    const device = config.devices[0]!;
    expect(device.protocol).toBe('opcua');
    const diameter = device.tags.find((t) => t.id === 'cnc1.lathe.part_diameter')!;
    const signal = plant.signals().find((s) => s.address === 'cnc1.lathe.part_diameter')!;
    expect(diameter).toMatchObject({ asset: 'acme/demo/machining/cnc1/lathe', address: `ns=${server.namespaceIndex};s=cnc1.lathe.part_diameter`, type: 'number', unit: signal.unit, low: signal.low, high: signal.high });
    expect(device.tags.find((t) => t.id === 'line1.filler.state')).toMatchObject({ type: 'integer', asset: 'acme/demo/bottling/line1/filler' });
  });

  it('can name namespaces by URI, and those bindings subscribe', async () => {
    const found = await discoverOpcua({ options: opcuaOptionsSchema.parse({ endpoint: server.endpoint }), pkiDir: `${dirs.dir}/client-none`, namespaceUris: true });
    const fragment = discoveredBindings(found, { deviceId: 'plant', endpoint: server.endpoint, securityMode: 'None', securityPolicy: 'None' });
    const config = parseSiteConfig({ site: { id: 'disc', name: 'Discovered', enterprise: 'acme' }, assets: fragment.assets, devices: fragment.devices });
    const device = config.devices[0] as OpcuaDevice;
    expect(device.tags.find((t) => t.id === 'cnc1.lathe.state')!.address).toBe(`nsu=${server.namespaceUri};s=cnc1.lathe.state`);
    device.tags = device.tags.filter((t) => t.id.startsWith('cnc1.lathe.spindle'));
    const rec = recordSource(device, `${dirs.dir}/client-none`);
    try {
      await waitFor(() => rec.of('cnc1.lathe.spindle_speed').find((s) => s.quality === Quality.Good), 'a value through a discovered nsu= binding');
    } finally {
      await rec.stop();
    }
  });
});
