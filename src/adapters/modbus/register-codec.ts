import type { ModbusOrder, ModbusValueType } from '../../config/protocols/modbus.js';

/** Registers one value of `type` occupies (bool and bit fields: one). */
export const REGISTER_WIDTH: Record<ModbusValueType, number> = { int16: 1, uint16: 1, bool: 1, int32: 2, uint32: 2, float32: 2, float64: 4 };

/**
 * Puts the registers of one value into big-endian byte order (ABCD). CDAB
 * reverses the words, BADC swaps the bytes inside each word, DCBA does both:
 * the four layouts PLC vendors use for 32- and 64-bit values.
 */
function toBigEndian(words: ArrayLike<number>, at: number, width: number, order: ModbusOrder, out: DataView): void {
  const reverseWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  for (let i = 0; i < width; i++) {
    const w = words[at + (reverseWords ? width - 1 - i : i)]! & 0xffff;
    out.setUint16(i * 2, swapBytes ? ((w & 0xff) << 8) | (w >> 8) : w);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** Decodes the value of `type` that starts at `words[at]`. */
export function decodeRegisters(words: ArrayLike<number>, at: number, type: ModbusValueType, order: ModbusOrder): number {
  const width = REGISTER_WIDTH[type];
  toBigEndian(words, at, width, order, scratch);
  switch (type) {
    case 'uint16':
    case 'bool':
      return scratch.getUint16(0);
    case 'int16':
      return scratch.getInt16(0);
    case 'uint32':
      return scratch.getUint32(0);
    case 'int32':
      return scratch.getInt32(0);
    case 'float32':
      return scratch.getFloat32(0);
    case 'float64':
      return scratch.getFloat64(0);
  }
}

/** Bit `bit` (0 = least significant) of a register, as 0 or 1. */
export function registerBit(word: number, bit: number): 0 | 1 {
  return ((word >> bit) & 1) as 0 | 1;
}

/** The integer range a type can hold; floats are unbounded here (range checks belong to the tag). */
export function integerRange(type: ModbusValueType): [number, number] | null {
  switch (type) {
    case 'int16':
      return [-32768, 32767];
    case 'uint16':
      return [0, 65535];
    case 'int32':
      return [-2147483648, 2147483647];
    case 'uint32':
      return [0, 4294967295];
    case 'bool':
      return [0, 1];
    default:
      return null;
  }
}

/**
 * The registers that hold `value` as `type` in `order`; the inverse of
 * decodeRegisters. Integers are rounded; returns null when the value does not
 * fit the type (the writer refuses it rather than wrapping around).
 */
export function encodeRegisters(value: number, type: ModbusValueType, order: ModbusOrder): number[] | null {
  if (!Number.isFinite(value)) return null;
  const range = integerRange(type);
  const v = range ? Math.round(value) : value;
  if (range && (v < range[0] || v > range[1])) return null;
  const width = REGISTER_WIDTH[type];
  const be = new DataView(new ArrayBuffer(8));
  switch (type) {
    case 'uint16':
    case 'bool':
      be.setUint16(0, v);
      break;
    case 'int16':
      be.setInt16(0, v);
      break;
    case 'uint32':
      be.setUint32(0, v);
      break;
    case 'int32':
      be.setInt32(0, v);
      break;
    case 'float32':
      if (Math.abs(v) > 3.4028234663852886e38) return null;
      be.setFloat32(0, v);
      break;
    case 'float64':
      be.setFloat64(0, v);
      break;
  }
  const bigEndian = Array.from({ length: width }, (_, i) => be.getUint16(i * 2));
  // The layouts are involutions: applying one to big-endian words gives the wire words.
  const out = new DataView(new ArrayBuffer(8));
  toBigEndian(bigEndian, 0, width, order, out);
  return Array.from({ length: width }, (_, i) => out.getUint16(i * 2));
}
