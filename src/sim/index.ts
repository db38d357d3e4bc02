export { Plant, createPlant, type PlantOptions, type PlantAsset } from './plant.js';
export { type FaultSpec, type FaultKind, type FaultStatus } from './faults.js';
export { type SignalInfo, type SignalType, type SignalHints } from './signal.js';
export { MachineState, type MachineStateCode } from './machine-state.js';
export { COMPRESSOR_BAND } from './compressor.js';
export { demoSiteConfig, type DemoSiteOptions } from './demo-site-config.js';
// The OPC UA server itself (node-opcua, slow to load) is imported from './opcua-plant-server.js' where needed.
export { plantOpcuaDevice, type PlantOpcuaDeviceOptions } from './opcua-plant-device.js';
export { Prng } from './prng.js';
export { SimError, type SimErrorCode } from './errors.js';
export { BottleCamera, bottleDataset, BOTTLE_LABELS, BOTTLE_DEFECTS, type BottleCameraOptions, type BottleImage, type BottleLabel } from './camera.js';
export { encodeRgbPng } from './camera-png.js';
export { demoInferenceConfig } from './camera-demo-inference.js';
