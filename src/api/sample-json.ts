import { qualityLevel, type FabrikEvent, type TagDefinition } from '../core/index.js';

/** A sample value as JSON: booleans for boolean tags, null for NaN. */
export function sampleValue(value: number | boolean | string, def: TagDefinition | undefined): number | boolean | string | null {
  if (typeof value !== 'number') return value;
  if (Number.isNaN(value)) return null;
  return def?.dataType === 'boolean' ? value !== 0 : value;
}

/** The quality fields every sample carries on the wire. */
export function qualityJson(code: number): { quality: string; qualityCode: number } {
  return { quality: qualityLevel(code), qualityCode: code };
}

/** An event as JSON, with its time as ISO text. */
export function eventJson(e: FabrikEvent): Omit<FabrikEvent, 'ts'> & { ts: string } {
  return { ...e, ts: new Date(e.ts).toISOString() };
}
