import type { Bus } from '../core/index.js';
import type { NotifyConfig } from './notify-config.js';
import { WebhookNotifier, type WebhookStats } from './webhook-notifier.js';

/** The node's outgoing notifications: every configured webhook, fed from the event bus. */
export interface Notifications {
  stats(): WebhookStats[];
  close(): Promise<void>;
}

/** Subscribes each configured webhook to the node's events (SPC violations, alarms…). */
export function startNotifications(config: NotifyConfig, bus: Bus, onError: (message: string) => void): Notifications {
  const hooks = config.webhooks.map((w) => new WebhookNotifier(w, { onError: (m) => onError(m) }));
  const unsubscribe = hooks.length > 0 ? bus.subscribe('events', (e) => { for (const h of hooks) h.offer(e); }) : () => {};
  return {
    stats: () => hooks.map((h) => ({ ...h.stats })),
    close: async () => {
      unsubscribe();
      await Promise.all(hooks.map((h) => h.close()));
    },
  };
}
