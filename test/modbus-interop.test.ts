import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createModbusSource } from '../src/adapters/modbus/index.js';
import { modbusDeviceSchema } from '../src/config/protocols/modbus.js';
import { Quality, sampleAt, TagRegistry } from '../src/core/index.js';
import { createPlant } from '../src/sim/plant.js';
import { servePlantOverModbus } from '../src/sim/plant-modbus.js';

/**
 * Interop with peers Fabrik did not write: Debian's mbpoll as a client of the
 * simulator, and Debian's pymodbus as a server for the ModbusSource. Both run
 * when installed (.ci/run installs them, so on CI they always run).
 */
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const ci = process.env['CI'] === 'true';
const hasMbpoll = ci || spawnSync('mbpoll', ['-V']).status !== null;
const hasPymodbus = ci || spawnSync(PYTHON, ['-c', 'import pymodbus']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.runIf(hasMbpoll)('mbpoll (an independent Modbus client) against the simulator', () => {
  it('reads floats and integers with the documented map and writes a setpoint', async () => {
    const plant = createPlant({ seed: 9, startTime: Date.now() });
    const server = await servePlantOverModbus(plant);
    try {
      const filler = server.map.find((u) => u.machine === 'line1.filler')!;
      const temp = filler.registers.find((r) => r.signal === 'line1.filler.product_temp')!;
      const state = filler.registers.find((r) => r.signal === 'line1.filler.state')!;
      const read = async (type: string, address: number): Promise<number> => {
        const { stdout } = await run('mbpoll', ['-m', 'tcp', '-p', String(server.port), '-a', String(filler.unitId), '-0', '-B', '-1', '-t', type, '-r', String(address), '-c', '1', '127.0.0.1']);
        const m = /\[\d+\]:\s*(-?[\d.]+)/.exec(stdout);
        if (!m) throw new Error(`unexpected mbpoll output:\n${stdout}`);
        return Number(m[1]);
      };
      expect(await read('3:float', temp.address)).toBeCloseTo(plant.read('line1.filler.product_temp'), 1);
      expect(await read('3:int', state.address)).toBe(plant.read('line1.filler.state'));

      const chiller = server.map.find((u) => u.machine === 'utilities.chiller1')!;
      const sp = chiller.registers.find((r) => r.area === 'holding')!;
      await run('mbpoll', ['-m', 'tcp', '-p', String(server.port), '-a', String(chiller.unitId), '-0', '-B', '-1', '-t', '4:float', '-r', String(sp.address), '127.0.0.1', '7.5']);
      expect(plant.read(sp.signal)).toBeCloseTo(7.5, 3);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(hasPymodbus)('ModbusSource against a pymodbus server', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('reads the same values a PLC serves, in both word orders, and maps an illegal address to BadConfigError', async () => {
    const port = await freePort();
    child = spawn(PYTHON, [fileURLToPath(new URL('./peers/pymodbus-server.py', import.meta.url)), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child!.once('exit', (code) => reject(new Error(`pymodbus server exited with ${code}`)));
    });
    const device = modbusDeviceSchema.parse({
      id: 'pymodbus',
      protocol: 'modbus',
      interval: '100ms',
      options: { host: '127.0.0.1', port, reconnectDelay: '100ms', timeout: '2s' },
      tags: [
        { id: 'abcd', asset: 'a/b', address: 'hr:0:float32' },
        { id: 'cdab', asset: 'a/b', address: 'hr:2:float32:CDAB' },
        { id: 'i16', asset: 'a/b', address: 'hr:4:int16' },
        { id: 'bit1', asset: 'a/b', address: 'hr:5.1', type: 'boolean' },
        { id: 'u32', asset: 'a/b', address: 'ir:0:uint32' },
        { id: 'coil', asset: 'a/b', address: 'co:0', type: 'boolean' },
        { id: 'di', asset: 'a/b', address: 'di:5', type: 'boolean' },
        { id: 'missing', asset: 'a/b', address: 'hr:500' },
      ],
    });
    const tags = new TagRegistry();
    for (const t of device.tags) tags.define({ id: t.id, assetPath: t.asset, point: t.id, dataType: t.type, unit: '', description: '', retentionClass: 'standard', source: device.id, writable: false });
    const source = createModbusSource({ device, tags });
    const last = new Map<string, { value: unknown; quality: number }>();
    const deadline = Date.now() + 20_000;
    for await (const batch of source.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const s = sampleAt(batch, i);
        last.set(tags.get(s.tag)!.id, s);
      }
      if (last.size === 8 || Date.now() > deadline) break;
    }
    await source.close();
    expect(Object.fromEntries([...last].map(([k, v]) => [k, v.value]))).toMatchObject({ abcd: 21.5, cdab: 21.5, i16: -1234, bit1: 1, u32: 4000000000, coil: 1, di: 1 });
    expect(last.get('abcd')!.quality).toBe(Quality.Good);
    expect(last.get('missing')!.quality).toBe(Quality.BadConfigError);
  });
});
