export { Plant, createPlant, type PlantOptions, type PlantAsset } from './plant.js';
export { type FaultSpec, type FaultKind, type FaultStatus } from './faults.js';
export { type SignalInfo, type SignalType, type SignalHints } from './signal.js';
export { MachineState, type MachineStateCode } from './machine-state.js';
export { COMPRESSOR_BAND } from './compressor.js';
export { demoSiteConfig, type DemoSiteOptions } from './demo-site-config.js';
export { Prng } from './prng.js';
export { SimError, type SimErrorCode } from './errors.js';
