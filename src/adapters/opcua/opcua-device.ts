import type { DeviceConfig } from '../../config/index.js';

/** A site-config device with protocol "opcua", as the config schema outputs it. */
export type OpcuaDevice = Extract<DeviceConfig, { protocol: 'opcua' }>;
/** One tag binding of an OPC UA device. */
export type OpcuaTagBinding = OpcuaDevice['tags'][number];
