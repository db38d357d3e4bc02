import { describe, expect, it } from 'vitest';
import { computeOee, type StateDurations } from './oee.js';

const MIN = 60_000;
const none: StateDurations = { running: 0, idle: 0, faulted: 0, off: 0, unknown: 0 };

describe('computeOee', () => {
  it('reproduces the textbook shift: 420 min planned, 47 min down, 19,271 made, 423 rejected at 60/min', () => {
    const r = computeOee({ durations: { ...none, running: 373 * MIN, faulted: 47 * MIN, off: 60 * MIN }, total: 19_271, scrap: 423, idealRate: 60 });
    expect(r.plannedMs).toBe(420 * MIN);
    expect(r.availability).toBeCloseTo(373 / 420, 10);
    expect(r.performance).toBeCloseTo(19_271 / (373 * 60), 10);
    expect(r.quality).toBeCloseTo(18_848 / 19_271, 10);
    expect(r.oee).toBeCloseTo(0.7479, 4);
    expect(r.good).toBe(18_848);
    expect(r.scrapRate).toBeCloseTo(423 / 19_271, 10);
    expect(r.throughputPerHour).toBeCloseTo(18_848 / 8, 6);
    expect(r.notes).toEqual([]);
  });

  it('counts idle (starved, blocked) as lost availability but off and unknown time not at all', () => {
    const r = computeOee({ durations: { running: 30 * MIN, idle: 10 * MIN, faulted: 20 * MIN, off: 100 * MIN, unknown: 500 * MIN }, total: 1500, scrap: 0, idealRate: 50 });
    expect(r.availability).toBe(0.5);
    expect(r.performance).toBe(1);
    expect(r.quality).toBe(1);
    expect(r.oee).toBe(0.5);
  });

  it('is null where there is no planned time, and says why', () => {
    const r = computeOee({ durations: { ...none, off: 60 * MIN }, total: 0, scrap: 0, idealRate: 10 });
    expect(r).toMatchObject({ availability: null, performance: null, quality: null, oee: null, throughputPerHour: 0 });
    expect(r.notes.join(' ')).toMatch(/no planned production time/);
  });

  it('gives OEE 0 when the line stood all period, with quality undefined', () => {
    const r = computeOee({ durations: { ...none, faulted: 60 * MIN }, total: 0, scrap: 0, idealRate: 10 });
    expect(r).toMatchObject({ availability: 0, performance: 0, quality: null, oee: 0 });
    expect(r.notes.join(' ')).toMatch(/quality is not defined/);
  });

  it('flags a performance above 100 % as a wrong ideal rate instead of hiding it', () => {
    const r = computeOee({ durations: { ...none, running: 10 * MIN }, total: 200, scrap: 0, idealRate: 10 });
    expect(r.performance).toBe(2);
    expect(r.notes.join(' ')).toMatch(/idealRate/);
  });

  it('caps scrap at the units made and says so', () => {
    const r = computeOee({ durations: { ...none, running: MIN }, total: 5, scrap: 9, idealRate: 5 });
    expect(r.quality).toBe(0);
    expect(r.good).toBe(0);
    expect(r.notes.join(' ')).toMatch(/scrap \(9\) exceeds/);
  });
});
