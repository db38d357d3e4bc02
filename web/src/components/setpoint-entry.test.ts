import { describe, expect, it } from 'vitest';
import type { TagDefinition } from '../api/types.js';
import { parseSetpoint, rangeText } from './setpoint-entry.js';

const tag = (extra: Partial<TagDefinition>): TagDefinition => ({ id: 't', assetPath: 'a', point: 't', dataType: 'number', unit: '°C', description: '', writable: true, ...extra });

describe('setpoint entry', () => {
  it('reads numbers in the tag type and refuses what does not fit', () => {
    expect(parseSetpoint(tag({}), '7.5')).toBe(7.5);
    expect(parseSetpoint(tag({}), '-2')).toBe(-2);
    expect(parseSetpoint(tag({}), '')).toBeNull();
    expect(parseSetpoint(tag({}), 'warm')).toBeNull();
    expect(parseSetpoint(tag({ dataType: 'integer' }), '3')).toBe(3);
    expect(parseSetpoint(tag({ dataType: 'integer' }), '3.5')).toBeNull();
    expect(parseSetpoint(tag({ dataType: 'boolean' }), 'false')).toBe(false);
    expect(parseSetpoint(tag({ dataType: 'boolean' }), 'maybe')).toBeNull();
    expect(parseSetpoint(tag({ dataType: 'string' }), 'recipe 4')).toBe('recipe 4');
  });

  it('shows the range with the unit, open ends as infinity', () => {
    expect(rangeText(tag({ low: -5, high: 15 }))).toBe('-5 … 15 °C');
    expect(rangeText(tag({ low: 0, unit: '' }))).toBe('0 … ∞');
    expect(rangeText(tag({}))).toBe('');
  });
});
