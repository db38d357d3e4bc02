import { describe, expect, it } from 'vitest';
import { Quality, TagRegistry } from '../core/index.js';
import { AssetContext } from './asset-context.js';
import { PipelineError } from './errors.js';
import { ShiftCalendar } from './shift-calendar.js';
import { batch } from './test-fixture.js';

const SHIFTS = [
  { name: 'early', start: '06:00', end: '14:00' },
  { name: 'late', start: '14:00', end: '22:00' },
  { name: 'night', start: '22:00', end: '06:00' }, // crosses midnight
];

describe('ShiftCalendar', () => {
  it('resolves shifts across midnight in UTC, boundaries start-inclusive', () => {
    const c = new ShiftCalendar('UTC', SHIFTS);
    expect(c.shiftAt(Date.UTC(2024, 2, 1, 5, 59))).toBe('night');
    expect(c.shiftAt(Date.UTC(2024, 2, 1, 6, 0))).toBe('early');
    expect(c.shiftAt(Date.UTC(2024, 2, 1, 21, 59))).toBe('late');
    expect(c.shiftAt(Date.UTC(2024, 2, 1, 22, 0))).toBe('night');
    expect(c.shiftAt(Date.UTC(2024, 2, 1, 23, 59))).toBe('night');
    expect(c.shiftAt(Date.UTC(2024, 2, 2, 0, 0))).toBe('night');
  });

  it('uses site local time, including DST changes', () => {
    const c = new ShiftCalendar('Europe/Berlin', SHIFTS);
    // Winter: UTC+1. 05:30Z is 06:30 local.
    expect(c.shiftAt(Date.UTC(2024, 0, 15, 5, 30))).toBe('early');
    expect(c.shiftAt(Date.UTC(2024, 0, 15, 4, 59))).toBe('night');
    // Summer: UTC+2. 04:30Z is 06:30 local, 20:00Z is 22:00 local.
    expect(c.shiftAt(Date.UTC(2024, 6, 15, 4, 30))).toBe('early');
    expect(c.shiftAt(Date.UTC(2024, 6, 15, 20, 0))).toBe('night');
    const ny = new ShiftCalendar('America/New_York', SHIFTS);
    expect(ny.shiftAt(Date.UTC(2024, 0, 15, 3, 0))).toBe('night'); // 22:00 the day before
    expect(ny.shiftAt(Date.UTC(2024, 0, 15, 19, 0))).toBe('late'); // 14:00
  });

  it('returns null outside every shift and rejects an unknown zone', () => {
    expect(new ShiftCalendar('UTC', [{ name: 'day', start: '08:00', end: '16:00' }]).shiftAt(Date.UTC(2024, 0, 1, 7))).toBeNull();
    expect(() => new ShiftCalendar('Mars/Olympus', [])).toThrow(PipelineError);
  });
});

describe('AssetContext', () => {
  it('gives asset path, line, area, unit and enriches samples', () => {
    const tags = new TagRegistry();
    const base = { description: '', retentionClass: 'standard', source: 'dev1', writable: false };
    tags.define({ ...base, id: 'line1.filler.temp', assetPath: 'acme/p1/packaging/line1/filler', point: 'temp', dataType: 'number', unit: '°C' });
    tags.define({ ...base, id: 'line1.filler.running', assetPath: 'acme/p1/packaging/line1/filler', point: 'running', dataType: 'boolean', unit: '' });
    tags.define({ ...base, id: 'power.total', assetPath: 'acme/p1/utilities', point: 'total', dataType: 'number', unit: 'kW' });
    const ctx = new AssetContext({ tags, timezone: 'UTC', shifts: SHIFTS });
    expect([ctx.line(0), ctx.area(0), ctx.unit(0), ctx.assetPath(0)]).toEqual(['line1', 'packaging', '°C', 'acme/p1/packaging/line1/filler']);
    expect([ctx.line(2), ctx.area(2)]).toEqual([null, 'utilities']);
    const ts = Date.UTC(2024, 2, 1, 23, 0);
    const b = batch([[0, ts, 71.5], [1, ts, 1], [0, ts, Number.NaN, Quality.BadSensorFailure]]);
    expect(ctx.enrich(b, 0)).toEqual({
      tag: 'line1.filler.temp', assetPath: 'acme/p1/packaging/line1/filler', line: 'line1', unit: '°C',
      shift: 'night', ts, arrival: ts + 5, value: 71.5, quality: Quality.Good,
    });
    expect(ctx.enrich(b, 1).value).toBe(true);
    expect(ctx.enrich(b, 2).value).toBeNull();
  });
});
