import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality } from '../src/core/index.js';
import { createPlant, type Plant } from '../src/sim/index.js';
import { startOpcuaPlantServer, type OpcuaPlantServer } from '../src/sim/opcua-plant-server.js';
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
