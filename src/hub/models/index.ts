export { trainOnHub, type HubTrainRequest, type HubModelVersion } from './hub-training.js';
export { readSyncedTable, type SyncedTable, type SyncedTableRequest, type SyncedSource } from './synced-table.js';
export { modelRoutes } from './model-routes.js';
export { settleModelDeployments } from './model-distribution.js';
