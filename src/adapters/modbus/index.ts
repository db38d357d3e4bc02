export { createModbusSource, type ModbusSourceOptions } from './modbus-source.js';
export { planReads, PROTOCOL_LIMITS, type PlannedItem, type PlannedRead, type ReadLimits } from './read-planner.js';
export { decodeRegisters, encodeRegisters, REGISTER_WIDTH } from './register-codec.js';
export { exceptionQuality } from './exception-quality.js';
export { ModbusError, ModbusExceptionError, ModbusReadbackError, MODBUS_EXCEPTIONS, type ModbusErrorCode } from './errors.js';
