/**
 * The simulator on real sockets: a second public door beside index.ts, so that
 * commands importing the plant (every CLI start) do not load modbus-serial and
 * mqtt.js; what serves or publishes the plant is imported from here, lazily.
 */
export { plantModbusMap, plantModbusDevices, servePlantOverModbus, type PlantModbusUnit, type PlantRegister, type PlantModbusDeviceOptions } from './plant-modbus.js';
export { SparkplugEdgeNode, plantSparkplugDevice, sparkplugDeviceId, SPARKPLUG_DEFAULTS, type SparkplugEdgeNodeOptions } from './sparkplug-edge-node.js';
export { startModbusSimServer, type ModbusSimServer, type ModbusSimServerOptions } from './modbus-sim-server.js';
export { ModbusRegisterBank, ModbusSimException } from './modbus-register-bank.js';
export { routeDemoOverProtocols, DEMO_MODBUS_MACHINES, DEMO_SPARKPLUG_MACHINES, type DemoProtocolOptions } from './demo-protocols.js';
export { portOrFree, startDemoPeers, type DemoPeers } from './demo-peers.js';
