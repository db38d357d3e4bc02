export { createOpcuaSource, OpcuaSource, type OpcuaSourceOptions } from './opcua-source.js';
export { listRejectedCertificates, listTrustedCertificates, trustCertificate, type ServerCertificate } from './pki.js';
export { discoverOpcua, type DiscoverOptions, type DiscoveredTag, type Discovery } from './browse-discovery.js';
export { OpcuaError, type OpcuaErrorCode } from './errors.js';
export type { OpcuaDevice, OpcuaTagBinding } from './opcua-device.js';
export { clientTrustList, type TrustListEntry } from './trust-list.js';
export { discoveredBindings, type BindingOptions, type DiscoveredConfig } from './discovered-bindings.js';
export { routeLibraryLogs } from './library-logs.js';
