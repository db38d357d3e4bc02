export { Fabric, type FabricOptions, type FabricQueryOptions, type QueryScope } from './fabric.js';
export { fabricConfigSchema, type FabricConfig, type FabricConfigInput, type VirtualSourceConfig } from './fabric-config.js';
export { FabricError, type FabricErrorCode } from './errors.js';
export type { FabricStore, LatestRow } from './local-sql.js';
export type { SiteQueryResult, NodeReport } from './site-query.js';
export type { Catalogue } from './peer-client.js';
export { seedSite, seedTag, seedValue, type SeedSpec } from './site-seed.js';
