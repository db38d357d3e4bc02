export { createSimSource, type SimSourceOptions } from './sim-source.js';
export { SimSourceConfigError, type SimSourceErrorCode } from './errors.js';
