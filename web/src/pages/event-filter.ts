import type { WireEvent } from '../api/types.js';

export const EVENT_RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '8h', label: 'Last 8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: 'Last 24 h', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

/** Kinds the capabilities emit (DESIGN, CONTRACTS); any other kind can be typed. */
export const KNOWN_KINDS = [
  'alarm.active',
  'alarm.returned',
  'alarm.acknowledged',
  'alarm.shelved',
  'spc.violation',
  'spc.limits.changed',
  'anomaly',
  'inspection',
  'config.applied',
  'model.switched',
  'tag.written',
  'sim.fault',
  'token.created',
  'token.revoked',
] as const;

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export interface EventFilterState {
  kind: string;
  severity: string;
  asset: string;
  tag: string;
  text: string;
}

/** The filters the node cannot apply (severity, free text) and those it can, for events arriving live. */
export function matchesEvent(e: WireEvent, f: EventFilterState): boolean {
  if (f.kind && e.kind !== f.kind) return false;
  if (f.severity && SEVERITIES.indexOf(e.severity) < SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number])) return false;
  if (f.asset && !(e.assetPath === f.asset || e.assetPath.startsWith(`${f.asset}/`))) return false;
  if (f.tag && e.tag !== f.tag) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    const hay = `${e.kind} ${e.message} ${e.assetPath} ${e.tag ?? ''} ${JSON.stringify(e.payload)}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}
