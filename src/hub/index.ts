export { startHub, type Hub, type HubOptions } from './hub-server.js';
export { createHubApp, type HubAppOptions } from './hub-app.js';
export { migrateHub } from './migrate.js';
export { postgresDatabase } from './postgres-database.js';
export { pgliteDatabase } from './pglite-database.js';
export type { HubDatabase, HubSql } from './hub-database.js';
export { ingestBatch, batchKey } from './batch-ingest.js';
export { HubError, HubErrorCode } from './errors.js';
export { hashSecret } from './hub-auth.js';
