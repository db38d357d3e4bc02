import type { ModbusArea, ModbusOrder, ModbusValueType } from '../config/protocols/modbus.js';
import { encodeRegisters } from '../adapters/modbus/index.js';

/** A Modbus exception a simulated server answers with (see MODBUS_EXCEPTIONS). */
export class ModbusSimException extends Error {
  readonly modbusErrorCode: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'ModbusSimException';
    this.modbusErrorCode = code;
  }
}

/**
 * The memory of one simulated unit: four areas of 65,536 entries each, and
 * which addresses exist. Reading an address nobody defined answers exception
 * 2 (illegal data address), as a PLC does for a hole in its map.
 */
export class ModbusRegisterBank {
  readonly #words = { holding: new Uint16Array(65536), input: new Uint16Array(65536) };
  readonly #bits = { coil: new Uint8Array(65536), discrete: new Uint8Array(65536) };
  readonly #defined: Record<ModbusArea, Uint8Array> = { holding: new Uint8Array(65536), input: new Uint8Array(65536), coil: new Uint8Array(65536), discrete: new Uint8Array(65536) };
  /**
   * Called when a client writes, after the new content is in place; a throw
   * (e.g. ModbusSimException 3 for a value out of range) restores the old
   * content and becomes the exception response.
   */
  onWrite: ((area: 'holding' | 'coil', address: number, count: number) => void) | null = null;

  /** Stores `value` as `type` at `address`, defining the registers it occupies. */
  set(area: ModbusArea, address: number, value: number, type: ModbusValueType = 'uint16', order: ModbusOrder = 'ABCD'): void {
    if (area === 'coil' || area === 'discrete') {
      this.#bits[area][address] = value ? 1 : 0;
      this.#defined[area][address] = 1;
      return;
    }
    const words = encodeRegisters(value, type, order);
    if (!words) throw new RangeError(`${value} does not fit ${type}`);
    this.setWords(area, address, words);
  }

  setWords(area: 'holding' | 'input', address: number, words: readonly number[]): void {
    words.forEach((w, i) => {
      this.#words[area][address + i] = w;
      this.#defined[area][address + i] = 1;
    });
  }

  /** Removes addresses from the map (reads of them answer exception 2). */
  undefine(area: ModbusArea, address: number, count = 1): void {
    this.#defined[area].fill(0, address, address + count);
  }

  readWords(area: 'holding' | 'input', address: number, count: number): number[] {
    this.#check(area, address, count);
    return Array.from(this.#words[area].subarray(address, address + count));
  }

  readBit(area: 'coil' | 'discrete', address: number): boolean {
    this.#check(area, address, 1);
    return this.#bits[area][address] === 1;
  }

  /** A client's write of holding registers (function 6 or 16). */
  writeWords(address: number, values: readonly number[]): void {
    this.#check('holding', address, values.length);
    const before = this.#words.holding.slice(address, address + values.length);
    values.forEach((v, i) => (this.#words.holding[address + i] = v & 0xffff));
    try {
      this.onWrite?.('holding', address, values.length);
    } catch (err) {
      this.#words.holding.set(before, address);
      throw err;
    }
  }

  /** A client's write of a coil (function 5). */
  writeCoil(address: number, on: boolean): void {
    this.#check('coil', address, 1);
    const before = this.#bits.coil[address]!;
    this.#bits.coil[address] = on ? 1 : 0;
    try {
      this.onWrite?.('coil', address, 1);
    } catch (err) {
      this.#bits.coil[address] = before;
      throw err;
    }
  }

  #check(area: ModbusArea, address: number, count: number): void {
    const d = this.#defined[area];
    for (let a = address; a < address + count; a++) {
      if (a > 65535 || d[a] !== 1) throw new ModbusSimException(2, `${area} ${a} is not in the map`);
    }
  }
}
