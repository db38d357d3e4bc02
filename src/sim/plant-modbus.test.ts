import { afterEach, describe, expect, it } from 'vitest';
import { createModbusSource } from '../adapters/modbus/index.js';
import { modbusDeviceSchema } from '../config/protocols/modbus.js';
import { Quality, sampleAt, TagRegistry } from '../core/index.js';
import { createPlant } from './plant.js';
import { plantModbusDevices, plantModbusMap, servePlantOverModbus } from './plant-modbus.js';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close();
});

describe('the plant over Modbus TCP', () => {
  it('maps every machine to a unit id with non-overlapping registers', () => {
    const plant = createPlant({ seed: 1 });
    const map = plantModbusMap(plant);
    expect(map.map((u) => u.machine)).toContain('line1.filler');
    expect(map.map((u) => u.unitId)).toEqual(map.map((_, i) => i + 1));
    const mapped = map.flatMap((u) => u.registers.map((r) => r.signal)).sort();
    expect(mapped).toEqual(plant.signals().map((s) => s.address).sort());
    for (const u of map) {
      const used = new Set<string>();
      for (const r of u.registers) {
        for (const a of [r.address, r.address + 1]) {
          expect(used.has(`${r.area}:${a}`)).toBe(false);
          used.add(`${r.area}:${a}`);
        }
      }
    }
  });

  it('serves plant values that a ModbusSource reads back through the generated device config, and takes setpoints', async () => {
    const plant = createPlant({ seed: 3, startTime: Date.now() });
    const server = await servePlantOverModbus(plant);
    closers.push(server);
    const devices = plantModbusDevices(plant, { host: server.host, port: server.port, machines: ['line1.filler', 'utilities.chiller1'], interval: '100ms' });
    expect(devices.map((d) => d.id)).toEqual(['line1-filler', 'utilities-chiller1']);
    for (const input of devices) await readBack(plant, modbusDeviceSchema.parse(input));
  });
});

async function readBack(plant: ReturnType<typeof createPlant>, device: ReturnType<typeof modbusDeviceSchema.parse>): Promise<void> {
  {
    const tags = new TagRegistry();
    for (const t of device.tags) tags.define({ id: t.id, assetPath: t.asset, point: t.id, dataType: t.type, unit: t.unit, description: '', retentionClass: 'standard', source: device.id, writable: t.writable });
    const source = createModbusSource({ device, tags });
    closers.push(source);
    const it = source.batches()[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    expect(first.length).toBe(device.tags.length);
    for (let i = 0; i < first.length; i++) {
      const s = sampleAt(first, i);
      const id = tags.get(s.tag)!.id;
      expect(s.quality, id).toBe(Quality.Good);
      // float32 on the wire: equal to the plant's value within float precision.
      expect(s.value as number, id).toBeCloseTo(plant.read(id), 2);
    }
    const writable = device.tags.find((t) => t.writable);
    expect(writable !== undefined).toBe(device.id === 'utilities-chiller1');
    if (writable) {
      const target = (writable.low! + writable.high!) / 2;
      const result = await source.write(tags.index(writable.id)!, target);
      expect(result.value).toBeCloseTo(target, 3);
      expect(plant.read(writable.id)).toBeCloseTo(target, 2);
      await expect(source.write(tags.index(writable.id)!, writable.high! + 1000)).rejects.toMatchObject({ code: 'MODBUS_EXCEPTION', exception: 3 });
    }
    await source.close();
  }
}
