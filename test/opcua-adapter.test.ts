import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality } from '../src/core/index.js';
import { createPlant, type Plant } from '../src/sim/index.js';
import { startOpcuaPlantServer, type OpcuaPlantServer } from '../src/sim/opcua-plant-server.js';
import { clientTrustList } from '../src/adapters/opcua/index.js';
import { startTestNode } from '../src/api/test-node.js';
import { plantDevice, recordSource, tempDir, waitFor } from './opcua-fixture.js';

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
