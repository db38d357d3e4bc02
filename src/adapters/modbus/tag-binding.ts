import type { ModbusOrder, ModbusRegister, ModbusTagConfig } from '../../config/protocols/modbus.js';

/** One tag of a Modbus device, resolved for polling and writing. */
export interface ModbusBinding {
  /** Index in the node's tag registry. */
  tag: number;
  config: ModbusTagConfig;
  register: ModbusRegister;
  /** The tag's order, else the device's. */
  order: ModbusOrder;
  /** Registers the value spans. */
  width: number;
  /** Last good raw value, reported with bad quality when a read fails. */
  last: number;
}
