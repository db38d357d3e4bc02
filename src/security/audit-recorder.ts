import type { Bus, FabrikEvent } from '../core/index.js';
import type { AuditLog } from './audit-log.js';

/** Event kinds that are state changes and therefore audited (see CONTRACTS.md, "Audit seam"). */
export const AUDITED_EVENT_KINDS: ReadonlySet<string> = new Set([
  'spc.limits.changed',
  'alarm.acknowledged',
  'alarm.shelved',
  'alarm.unshelved',
  'tag.written',
  'config.applied',
  'config.rejected',
  'config.rolled-back',
  'model.switched',
  'token.created',
  'token.revoked',
  'user.changed',
]);

/**
 * Writes every audited event from the node's bus into the audit log; capabilities
 * publish events and never import the audit module. Returns the unsubscribe.
 */
export function recordAuditedEvents(bus: Bus, log: AuditLog, onError: (err: unknown, event: FabrikEvent) => void): () => void {
  return bus.subscribe('events', (event) => {
    if (!AUDITED_EVENT_KINDS.has(event.kind)) return;
    const actor = typeof event.payload['actor'] === 'string' ? (event.payload['actor'] as string) : 'system';
    const { actor: _actor, ...details } = event.payload;
    log
      .append({
        actor,
        action: event.kind,
        target: event.tag ?? (typeof details['target'] === 'string' ? (details['target'] as string) : event.assetPath),
        outcome: event.kind === 'config.rejected' || event.kind === 'config.rolled-back' ? 'failed' : 'ok',
        details: { eventId: event.id, message: event.message, ...details },
        ts: event.ts,
      })
      .catch((err: unknown) => onError(err, event));
  });
}
