// Outgoing notifications of events: webhooks with retry and backoff.
export * from './notifications.js';
export * from './notify-config.js';
export * from './webhook-notifier.js';
