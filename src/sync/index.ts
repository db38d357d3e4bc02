export * from './wire.js';
export { SyncError, SyncErrorCode } from './errors.js';
export { Outbox, type OutboxOptions, type OutboxItem, type StreamStats } from './outbox.js';
export type { DropCounts } from './outbox-state.js';
export { HubClient, idempotencyKey, type HubClientOptions } from './hub-client.js';
