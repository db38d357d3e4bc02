import { FabrikError } from '../../core/index.js';

export type ModbusErrorCode =
  | 'MODBUS_WRONG_PROTOCOL'
  | 'MODBUS_UNKNOWN_TAG'
  | 'MODBUS_NOT_WRITABLE'
  | 'MODBUS_OUT_OF_LIMITS'
  | 'MODBUS_VALUE_NOT_REPRESENTABLE'
  | 'MODBUS_EXCEPTION'
  | 'MODBUS_TIMEOUT'
  | 'MODBUS_CONNECTION'
  | 'MODBUS_READBACK_MISMATCH'
  | 'MODBUS_CLOSED';

/** A Modbus device config that does not fit the node (raised when the source is created) or a refused write. */
export class ModbusError extends FabrikError {
  declare readonly code: ModbusErrorCode;
  readonly device: string;
  constructor(code: ModbusErrorCode, device: string, message: string, options?: { cause?: unknown }) {
    super(code, `modbus device "${device}": ${message}`, options);
    this.name = 'ModbusError';
    this.device = device;
  }
}

/** Standard exception codes a server answers with (Modbus Application Protocol 1.1b3, §7). */
export const MODBUS_EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** A request the server answered with an exception response. */
export class ModbusExceptionError extends ModbusError {
  /** The exception code from the response (1..11). */
  readonly exception: number;
  constructor(device: string, exception: number, what: string, options?: { cause?: unknown }) {
    super('MODBUS_EXCEPTION', device, `${what} answered exception ${exception} (${MODBUS_EXCEPTIONS[exception] ?? 'unknown'})`, options);
    this.name = 'ModbusExceptionError';
    this.exception = exception;
  }
}

/** A value read back after a write that differs from the value written. */
export class ModbusReadbackError extends ModbusError {
  readonly written: number | boolean;
  readonly readBack: number | boolean;
  constructor(device: string, tag: string, written: number | boolean, readBack: number | boolean) {
    super('MODBUS_READBACK_MISMATCH', device, `wrote ${String(written)} to tag "${tag}" but read back ${String(readBack)}; the device may clamp or quantise the value, or another writer changed it`);
    this.name = 'ModbusReadbackError';
    this.written = written;
    this.readBack = readBack;
  }
}
