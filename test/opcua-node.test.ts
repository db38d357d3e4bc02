import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../src/config/index.js';
import { createPlant, demoSiteConfig, plantOpcuaDevice, type Plant } from '../src/sim/index.js';
import { startOpcuaPlantServer, type OpcuaPlantServer } from '../src/sim/opcua-plant-server.js';
import { eventually, queryRows, startTestNode, type RunningNode } from './edge-node-fixture.js';
import { tempDir } from './opcua-fixture.js';

// The demo site with the CNC cell and the utilities read over OPC UA: samples reach the store, a setpoint is written back.
let plant: Plant;
let server: OpcuaPlantServer;
let n: RunningNode;
let dirs: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  dirs = await tempDir('fabrik-opcua-node-');
  plant = createPlant({ seed: 5, startTime: Date.now() });
  server = await startOpcuaPlantServer({ plant, port: 0, pkiDir: `${dirs.dir}/server-pki` });
  const input = demoSiteConfig({ cncOpcua: { endpoint: server.endpoint, namespaceIndex: server.namespaceIndex } });
  // The utilities too, so the chiller setpoint (the plant's writable signal) is written over OPC UA.
  input.devices = [...input.devices!.filter((d) => d.id !== 'utilities'), plantOpcuaDevice({ id: 'utilities-opcua', endpoint: server.endpoint, prefixes: ['utilities.'], namespaceIndex: server.namespaceIndex })];
  n = await startTestNode({ config: parseSiteConfig(input) });
}, 120_000);

afterAll(async () => {
  await n?.close();
  await server?.stop();
  await dirs?.remove();
});

describe('edge node with an OPC UA device', () => {
  it('stores the lathe values read over OPC UA with good quality and reports the device healthy', async () => {
    const rows = await eventually(async () => {
      const r = await queryRows(n, "select count(*), min(quality_code) from samples where tag = 'cnc1.lathe.spindle_speed'");
      return Number(r[0]?.[0]) > 0 ? r : undefined;
    }, 30_000);
    expect(Number(rows[0]![1])).toBe(192);
    const health = (await (await n.api('/healthz')).json()) as { components: Record<string, { state: string; details?: { endpoint?: string } }> };
    expect(health.components['cnc1-opcua']).toMatchObject({ state: 'up', details: { endpoint: server.endpoint } });
    // The node made its OPC UA client certificate on first start, in its data dir.
    expect(existsSync(join(n.dataDir, 'opcua', 'pki', 'own', 'certs', 'client_certificate.pem'))).toBe(true);
    const metrics = await (await n.api('/metrics')).text();
    expect(metrics).toMatch(/fabrik_source_up\{source="cnc1-opcua"\} 1/);
    expect(metrics).toMatch(/fabrik_source_count\{source="cnc1-opcua",count="sessions"\} 1/);
  });

  it('lists no certificates to approve for a None endpoint and refuses an unknown thumbprint', async () => {
    const list = await n.api('/api/v1/opcua/certificates');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ rejected: [], trusted: [] });
    const res = await n.api(`/api/v1/opcua/certificates/${'ab'.repeat(20)}/trust`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect((await n.api('/api/v1/opcua/certificates/xyz/trust', { method: 'POST' })).status).toBe(400);
  });

  it('writes a writable tag over OPC UA, answers with the read-back, audits it, and refuses what the config does not allow', async () => {
    await eventually(async () => ((await (await n.api('/healthz')).json()) as { components: Record<string, { state: string }> }).components['utilities-opcua']?.state === 'up', 30_000);
    const res = await n.api('/api/v1/tags/utilities.chiller1.setpoint/write', { json: { value: 7 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tag: 'utilities.chiller1.setpoint', written: 7, readBack: { value: 7, quality: 'good' } });
    expect(plant.read('utilities.chiller1.setpoint')).toBe(7);
    const audit = (await (await n.api('/api/v1/audit')).json()) as { entries: { action: string; target: string; outcome: string; details: Record<string, unknown> }[] };
    expect(audit.entries.find((e) => e.target === '/api/v1/tags/utilities.chiller1.setpoint/write')).toMatchObject({ action: 'http.post', outcome: 'ok', details: { tag: 'utilities.chiller1.setpoint', value: 7, readBack: 7 } });

    const readOnly = await n.api('/api/v1/tags/cnc1.lathe.spindle_speed/write', { json: { value: 100 } });
    expect(readOnly.status).toBe(409);
    expect(((await readOnly.json()) as { error: { code: string } }).error.code).toBe('TAG_NOT_WRITABLE');
    const outside = await n.api('/api/v1/tags/utilities.chiller1.setpoint/write', { json: { value: 1e6 } });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('WRITE_OUT_OF_RANGE');
    expect((await n.api('/api/v1/tags/utilities.chiller1.setpoint/write', { json: { value: 'warm' } })).status).toBe(400);
    expect((await n.api('/api/v1/tags/no.such/write', { json: { value: 1 } })).status).toBe(404);
    expect((await n.api('/api/v1/tags/utilities.chiller1.setpoint/write', { json: { wrong: 1 } })).status).toBe(400);
  });
});
