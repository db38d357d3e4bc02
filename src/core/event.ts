import { randomUUID } from 'node:crypto';

/** ISA-18.2 priorities plus "info" for records that need no response. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Something that happened at a time on an asset: SPC violation, alarm,
 * anomaly, inspection, config change, fault injection. Append-only.
 */
export interface FabrikEvent {
  id: string;
  /** Dotted kind, e.g. "spc.violation", "alarm.active", "sim.fault", "config.applied". */
  kind: string;
  /** Epoch milliseconds. */
  ts: number;
  assetPath: string;
  severity: Severity;
  /** Tag id the event is about, if any. */
  tag?: string;
  message: string;
  payload: Record<string, unknown>;
}

export function createEvent(e: Omit<FabrikEvent, 'id' | 'ts' | 'payload'> & { ts?: number; payload?: Record<string, unknown> }): FabrikEvent {
  return { id: randomUUID(), ts: e.ts ?? Date.now(), payload: e.payload ?? {}, ...e } as FabrikEvent;
}
