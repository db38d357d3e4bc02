/**
 * What the SPC routes need from the node; present when it runs SPC. Methods
 * throw Errors with a string `code` (SPC_CHARACTERISTIC_NOT_FOUND,
 * SPC_LIMITS_INVALID, SPC_INSUFFICIENT_DATA…) that the routes map to statuses.
 */
export interface SpcControl {
  characteristics(): unknown[];
  chart(id: string, range: { from: number; to: number }): Promise<unknown>;
  capability(id: string, range: { from: number; to: number }): Promise<unknown>;
  setBaseline(
    id: string,
    req: { from: number; to: number; comment?: string } | { limits: { center: number; ucl: number; lcl: number; sigma?: number }; comment?: string },
    actor: string,
  ): Promise<unknown>;
}

/** What the alarm routes need from the node. Errors carry ALARM_NOT_FOUND, ALARM_ALREADY_ACKNOWLEDGED, ALARM_NOT_SHELVED, ALARM_SHELVE_TOO_LONG. */
export interface AlarmControl {
  list(filter: 'active' | 'unacked' | 'shelved' | 'suppressed' | 'all' | 'configured'): unknown[];
  acknowledge(id: string, actor: string, comment: string): unknown;
  shelve(id: string, actor: string, comment: string, minutes: number): unknown;
  unshelve(id: string, actor: string, comment: string): unknown;
  journal(filter: { from?: number; to?: number; limit: number; alarm?: string }): Promise<unknown[]>;
  rates(): unknown[];
}

/** HTTP status of an SPC or alarm error code. */
export function qualityStatus(code: string): number {
  if (code.endsWith('_NOT_FOUND') || code.endsWith('_NOT_RUNNING')) return 404;
  if (code === 'ALARM_ALREADY_ACKNOWLEDGED' || code === 'ALARM_NOT_SHELVED') return 409;
  return 400;
}
