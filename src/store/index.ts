export { EdgeStore, type EdgeStoreOptions, type StoreStats } from './edge-store.js';
export type { EventFilter } from './event-query.js';
export type { QueryOptions, QueryResult } from './query-runner.js';
export { QueryError, StoreError, type QueryErrorCode, type StoreErrorCode } from './errors.js';
export { toJsonValue, parseJsonColumn } from './json-value.js';
