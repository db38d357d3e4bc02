import type { TagDefinition } from '../api/types.js';

/** The value a setpoint field's text stands for, in the tag's type; null when it does not fit. */
export function parseSetpoint(tag: TagDefinition, text: string): number | boolean | string | null {
  if (tag.dataType === 'boolean') return text === 'true' ? true : text === 'false' ? false : null;
  if (tag.dataType === 'string') return text;
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || (tag.dataType === 'integer' && !Number.isInteger(n))) return null;
  return n;
}

/** The tag's engineering range as shown beside the field, e.g. "-5 … 15 °C"; '' without one. */
export function rangeText(tag: TagDefinition): string {
  if (tag.low === undefined && tag.high === undefined) return '';
  return `${tag.low ?? '−∞'} … ${tag.high ?? '∞'}${tag.unit ? ` ${tag.unit}` : ''}`;
}
