import { describe, expect, it } from 'vitest';
import { BandwidthCap } from './bandwidth-cap.js';
import { nameGlob } from './name-glob.js';
import { retryDelay } from './retry-delay.js';

describe('retryDelay', () => {
  it('doubles from the minimum up to the maximum, jittered between half and all of it', () => {
    expect(retryDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(retryDelay(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelay(40, 1000, 60_000, () => 0)).toBe(30_000);
  });
});

describe('BandwidthCap', () => {
  it('spaces sends to the rate and lets everything through at 0', () => {
    const cap = new BandwidthCap(1000);
    expect(cap.waitMs(0)).toBe(0);
    cap.spent(500, 0);
    expect(cap.waitMs(0)).toBe(500);
    expect(cap.waitMs(200)).toBe(300);
    cap.spent(1000, 600);
    expect(cap.waitMs(600)).toBe(1000);
    const none = new BandwidthCap(0);
    none.spent(1e9, 0);
    expect(none.waitMs(0)).toBe(0);
  });
});

describe('nameGlob', () => {
  it('matches names against globs', () => {
    const m = nameGlob(['line1.*.temp', 'spc.*']);
    expect(m('line1.filler.temp')).toBe(true);
    expect(m('spc.violation')).toBe(true);
    expect(m('line2.filler.temp')).toBe(false);
    expect(nameGlob([])('x')).toBe(false);
    expect(nameGlob(['*'])('x')).toBe(true);
  });
});
