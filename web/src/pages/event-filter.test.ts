import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../api/types.js';
import { matchesEvent } from './event-filter.js';

const event: WireEvent = {
  id: 'e1',
  kind: 'spc.violation',
  ts: '2025-01-01T00:00:00Z',
  assetPath: 'acme/demo/machining/cnc1/lathe',
  severity: 'medium',
  tag: 'cnc1.lathe.part_diameter',
  message: 'Point beyond the upper control limit',
  payload: { rule: 'WE1' },
};
const none = { kind: '', severity: '', asset: '', tag: '', text: '' };

describe('event filter', () => {
  it('matches kind, minimum severity, asset subtree, tag and free text over message and payload', () => {
    expect(matchesEvent(event, none)).toBe(true);
    expect(matchesEvent(event, { ...none, kind: 'spc.violation', severity: 'low', asset: 'acme/demo/machining', tag: 'cnc1.lathe.part_diameter', text: 'we1' })).toBe(true);
    expect(matchesEvent(event, { ...none, severity: 'high' })).toBe(false);
    expect(matchesEvent(event, { ...none, asset: 'acme/demo/machin' })).toBe(false);
    expect(matchesEvent(event, { ...none, text: 'lower' })).toBe(false);
  });
});
