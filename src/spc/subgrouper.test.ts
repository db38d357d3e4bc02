import { describe, expect, it } from 'vitest';
import { Subgrouper } from './subgrouper.js';

describe('Subgrouper', () => {
  it('consecutive: closes every n valid values, skipping missing ones', () => {
    const g = new Subgrouper({ size: 3, mode: 'consecutive', timeout: 60_000 });
    const closed = [1, Number.NaN, 2, 3, 4, null, 5, 6].flatMap((value, i) => [...g.push({ ts: i * 1000, value })]);
    expect(closed.map((s) => s.values)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(closed.every((s) => s.complete)).toBe(true);
    expect(g.skipped).toBe(2);
  });

  it('consecutive: a subgroup that never fills is reported incomplete after the timeout', () => {
    const g = new Subgrouper({ size: 5, mode: 'consecutive', timeout: 10_000 });
    g.push({ ts: 0, value: 1 });
    g.push({ ts: 1000, value: 2 });
    expect(g.tick(9_999)).toEqual([]);
    expect(g.tick(10_000)).toEqual([{ values: [1, 2], start: 0, end: 1000, complete: false, reason: 'timeout' }]);
    // also when the next sample arrives late instead of a tick
    g.push({ ts: 20_000, value: 3 });
    const [late] = g.push({ ts: 40_000, value: 4 });
    expect(late).toMatchObject({ values: [3], complete: false, reason: 'timeout' });
  });

  it('time-window: groups by aligned window, short windows are incomplete, late samples counted', () => {
    const g = new Subgrouper({ size: 2, mode: 'time-window', window: 60_000, timeout: 60_000 });
    expect(g.push({ ts: 5_000, value: 1 })).toEqual([]);
    g.push({ ts: 30_000, value: 2 });
    const [w1] = g.push({ ts: 61_000, value: 3 });
    expect(w1).toEqual({ values: [1, 2], start: 0, end: 60_000, complete: true });
    g.push({ ts: 59_000, value: 9 });
    expect(g.late).toBe(1);
    const [w2] = g.tick(120_000);
    expect(w2).toMatchObject({ values: [3], start: 60_000, end: 120_000, complete: false, reason: 'window-closed' });
  });

  it('part-id: groups by part across interleaving, times out unfinished parts, counts unassigned samples', () => {
    const g = new Subgrouper({ size: 2, mode: 'part-id', timeout: 5_000 });
    g.push({ ts: 0, value: 1, partId: 'A' });
    g.push({ ts: 1, value: 10, partId: 'B' });
    g.push({ ts: 2, value: 7 });
    const [a] = g.push({ ts: 3, value: 2, partId: 'A' });
    expect(a).toMatchObject({ values: [1, 2], partId: 'A', complete: true });
    expect(g.unassigned).toBe(1);
    expect(g.tick(5_001)).toEqual([{ values: [10], start: 1, end: 1, complete: false, reason: 'timeout', partId: 'B' }]);
  });

  it('flush closes everything open as incomplete', () => {
    const g = new Subgrouper({ size: 3, mode: 'consecutive', timeout: 1e9 });
    g.push({ ts: 0, value: 1 });
    expect(g.flush()).toEqual([{ values: [1], start: 0, end: 0, complete: false, reason: 'flush' }]);
    expect(g.flush()).toEqual([]);
  });
});
