import { Quality, type WriteResult } from '../../core/index.js';
import { ModbusError, ModbusReadbackError } from './errors.js';
import type { ModbusLink } from './modbus-link.js';
import { fromEngineering, toEngineering } from './raw-scale.js';
import { decodeRegisters, encodeRegisters, registerBit } from './register-codec.js';
import type { ModbusBinding } from './tag-binding.js';

/**
 * Writes an engineering value to a holding register (or a bit of one) or a
 * coil, then reads it back: the result is what the device holds, and a
 * difference is a ModbusReadbackError, never a silent success.
 */
export async function writeModbusTag(link: ModbusLink, device: string, b: ModbusBinding, value: number | boolean | string, now: number): Promise<WriteResult> {
  if (!b.config.writable) throw new ModbusError('MODBUS_NOT_WRITABLE', device, `tag "${b.config.id}" is not marked writable in the site config`);
  const { area, address, bit, type } = b.register;
  if (area !== 'holding' && area !== 'coil') throw new ModbusError('MODBUS_NOT_WRITABLE', device, `tag "${b.config.id}" is a read-only ${area}`);
  const eu = typeof value === 'boolean' ? Number(value) : typeof value === 'string' ? Number(value.trim() === '' ? Number.NaN : value) : value;
  if (type === 'bool' && !(eu === 0 || eu === 1)) throw new ModbusError('MODBUS_VALUE_NOT_REPRESENTABLE', device, `tag "${b.config.id}" is a bit; write true/false or 1/0, got ${String(value)}`);
  const raw = type === 'bool' ? eu : fromEngineering(eu, b.config.scale);
  if (area === 'coil') {
    await link.writeCoil(address, raw === 1);
  } else if (bit !== undefined) {
    // A bit field: read-modify-write the register it lives in.
    const [word] = await link.read('holding', address, 1);
    await link.writeRegisters(address, [raw ? word! | (1 << bit) : word! & ~(1 << bit) & 0xffff]);
  } else {
    const words = encodeRegisters(raw, type, b.order);
    if (!words) throw new ModbusError('MODBUS_VALUE_NOT_REPRESENTABLE', device, `${String(value)} does not fit tag "${b.config.id}" (${type}${b.config.scale ? ', after scaling' : ''})`);
    await link.writeRegisters(address, words);
  }
  const back = await link.read(area, address, area === 'coil' ? 1 : b.width);
  const rawBack = area === 'coil' ? back[0]! : bit !== undefined ? registerBit(back[0]!, bit) : decodeRegisters(back, 0, type, b.order);
  const expected = type === 'float32' ? Math.fround(raw) : type === 'float64' ? raw : Math.round(raw);
  if (rawBack !== expected) throw new ModbusReadbackError(device, b.config.id, raw, rawBack);
  b.last = rawBack;
  return { value: type === 'bool' ? rawBack === 1 : toEngineering(rawBack, b.config.scale), quality: Quality.Good, ts: now };
}
