import type { ModbusDeviceInput, ModbusValueType } from '../config/protocols/modbus.js';
import { decodeRegisters } from '../adapters/modbus/index.js';
import { plantTagBinding } from './plant-tag-binding.js';
import { ModbusRegisterBank, ModbusSimException } from './modbus-register-bank.js';
import { startModbusSimServer, type ModbusSimServer } from './modbus-sim-server.js';
import { Quality } from '../core/index.js';
import type { Plant } from './plant.js';
import type { SignalInfo } from './signal.js';

/** Where one plant signal lives on the simulated Modbus server. */
export interface PlantRegister {
  signal: string;
  area: 'holding' | 'input';
  /** 0-based register address. */
  address: number;
  type: ModbusValueType;
}

/** One machine of the plant = one unit id on the server. */
export interface PlantModbusUnit {
  unitId: number;
  /** Address prefix of its signals, e.g. "line1.filler"; the device id is this with "." → "-". */
  machine: string;
  assetPath: string;
  registers: PlantRegister[];
}

/**
 * The register map of the simulated plant, a documented contract:
 * - one unit id per machine, 1, 2, 3… in the plant's asset order;
 * - read-only signals in input registers, writable ones (setpoints) in
 *   holding registers, two registers each, in signal order from address 0;
 * - analog values as float32, counters and states as int32, both ABCD
 *   (big-endian words, high word first); a sensor with bad quality reads NaN.
 * `fabrik sim modbus-map` prints it.
 */
export function plantModbusMap(plant: Plant): PlantModbusUnit[] {
  const byAsset = new Map<string, SignalInfo[]>();
  for (const s of plant.signals()) byAsset.set(s.assetPath, [...(byAsset.get(s.assetPath) ?? []), s]);
  const units: PlantModbusUnit[] = [];
  for (const asset of plant.assets()) {
    const signals = byAsset.get(asset.path);
    if (!signals) continue;
    let input = 0;
    let holding = 0;
    const registers = signals.map((s): PlantRegister => {
      const area = s.writable ? 'holding' : 'input';
      const address = s.writable ? (holding += 2) - 2 : (input += 2) - 2;
      return { signal: s.address, area, address, type: s.type === 'integer' ? 'int32' : 'float32' };
    });
    const machine = signals[0]!.address.split('.').slice(0, -1).join('.');
    units.push({ unitId: units.length + 1, machine, assetPath: asset.path, registers });
  }
  return units;
}

export interface PlantModbusDeviceOptions {
  host: string;
  port: number;
  /** Only these machines (address prefixes such as "line1.filler", or a group such as "utilities"). Default all. */
  machines?: readonly string[];
  /** Poll interval. Default 1s. */
  interval?: string;
}

/** The site-config devices that read `plantModbusMap(plant)` back: one device per machine. */
export function plantModbusDevices(plant: Plant, options: PlantModbusDeviceOptions): ModbusDeviceInput[] {
  const info = new Map(plant.signals().map((s) => [s.address, s]));
  const wanted = (m: string): boolean => !options.machines || options.machines.some((w) => m === w || m.startsWith(`${w}.`));
  return plantModbusMap(plant)
    .filter((u) => wanted(u.machine))
    .map((u) => ({
      id: u.machine.replaceAll('.', '-'),
      protocol: 'modbus' as const,
      interval: options.interval ?? '1s',
      options: { host: options.host, port: options.port, unitId: u.unitId },
      tags: u.registers.map((r) => ({ ...plantTagBinding(info.get(r.signal)!), address: `${r.area === 'holding' ? 'hr' : 'ir'}:${r.address}:${r.type}` })),
    }));
}

/**
 * Serves the plant over Modbus TCP per `plantModbusMap`: values are refreshed
 * from the plant (advanced to the wall clock) at each request, and a write to
 * a setpoint's holding registers writes the plant (exception 3 when the value
 * is outside the signal's range).
 */
export async function servePlantOverModbus(plant: Plant, options: { host?: string; port?: number; now?: () => number } = {}): Promise<ModbusSimServer & { map: PlantModbusUnit[] }> {
  const now = options.now ?? Date.now;
  const map = plantModbusMap(plant);
  const units = new Map<number, { bank: ModbusRegisterBank; regs: { reg: PlantRegister; index: number }[]; filledAt: number }>();
  for (const u of map) {
    const bank = new ModbusRegisterBank();
    const regs = u.registers.map((reg) => ({ reg, index: plant.resolve(reg.signal)! }));
    const unit = { bank, regs, filledAt: Number.NaN };
    bank.onWrite = (area, address, count) => {
      for (const { reg } of regs) {
        if (reg.area !== area || reg.address + 1 < address || reg.address >= address + count) continue;
        const value = decodeRegisters(bank.readWords('holding', reg.address, 2), 0, reg.type, 'ABCD');
        try {
          plant.write(reg.signal, value);
        } catch (err) {
          throw new ModbusSimException(3, (err as Error).message);
        }
      }
      unit.filledAt = Number.NaN;
    };
    units.set(u.unitId, unit);
  }
  const fill = (unit: { bank: ModbusRegisterBank; regs: { reg: PlantRegister; index: number }[]; filledAt: number }): void => {
    if (unit.filledAt === plant.time) return;
    for (const { reg, index } of unit.regs) {
      const bad = plant.qualityAt(index) < Quality.Uncertain;
      const v = plant.valueAt(index);
      // A failed sensor reads as a quiet NaN float, the usual PLC convention.
      if (reg.type === 'float32' && (bad || !Number.isFinite(v))) unit.bank.setWords(reg.area, reg.address, [0x7fc0, 0]);
      else unit.bank.set(reg.area, reg.address, Number.isFinite(v) ? v : 0, reg.type);
    }
    unit.filledAt = plant.time;
  };
  for (const u of units.values()) fill(u);
  const server = await startModbusSimServer({
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    units: new Map([...units].map(([id, u]) => [id, u.bank])),
    beforeRequest: (unitId) => {
      const u = units.get(unitId);
      if (!u) return;
      plant.advanceTo(now());
      fill(u);
    },
  });
  return { ...server, map };
}
