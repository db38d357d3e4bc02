import { describe, expect, it } from 'vitest';
import { Quality, type FabrikEvent } from '../core/index.js';
import { createPlant, type FaultSpec, type Plant } from './index.js';

const ADDRESS = 'utilities.chiller1.supply_temp';

/** Two plants from one seed: one gets the fault, the other is the truth to compare with. */
function twins(): { faulty: Plant; truth: Plant; events: FabrikEvent[] } {
  const faulty = createPlant({ seed: 21, startTime: 1_000_000 });
  const truth = createPlant({ seed: 21, startTime: 1_000_000 });
  const events: FabrikEvent[] = [];
  faulty.onEvent((e) => events.push(e));
  faulty.step(60_000);
  truth.step(60_000);
  return { faulty, truth, events };
}

function both(t: { faulty: Plant; truth: Plant }, ms: number): number {
  t.faulty.step(ms);
  t.truth.step(ms);
  return t.faulty.read(ADDRESS) - t.truth.read(ADDRESS);
}

describe('faults', () => {
  it('drift adds rate × minutes since the start', () => {
    const t = twins();
    t.faulty.injectFault({ address: ADDRESS, kind: 'drift', ratePerMinute: 0.5 });
    expect(both(t, 120_000)).toBeCloseTo(1.0, 2);
    expect(both(t, 60_000)).toBeCloseTo(1.5, 2);
  });

  it('step adds a constant offset and clearing restores the true value', () => {
    const t = twins();
    const id = t.faulty.injectFault({ address: ADDRESS, kind: 'step', offset: 2 });
    expect(both(t, 0)).toBeCloseTo(2, 2);
    expect(both(t, 30_000)).toBeCloseTo(2, 2);
    expect(t.faulty.clearFault(id)).toBe(true);
    expect(both(t, 0)).toBe(0);
    expect(both(t, 30_000)).toBe(0);
    expect(t.faulty.faults()).toEqual([]);
    expect(t.faulty.clearFault(id)).toBe(false);
  });

  it('spike shows once for its duration, then expires by itself', () => {
    const t = twins();
    t.faulty.injectFault({ address: ADDRESS, kind: 'spike', magnitude: 15 });
    expect(both(t, 500)).toBeCloseTo(15, 2);
    expect(both(t, 1000)).toBe(0);
    expect(t.faulty.faults()).toEqual([]);
    expect(t.events.map((e) => e.payload.action)).toEqual(['injected', 'expired']);
  });

  it('stuck freezes the value while the truth moves on', () => {
    const t = twins();
    const frozen = t.faulty.read('line1.filler.bowl_level');
    t.faulty.injectFault({ address: 'line1.filler.bowl_level', kind: 'stuck' });
    const values = new Set<number>();
    const truth = new Set<number>();
    for (let i = 0; i < 60; i++) {
      t.faulty.step(1000);
      t.truth.step(1000);
      values.add(t.faulty.read('line1.filler.bowl_level'));
      truth.add(t.truth.read('line1.filler.bowl_level'));
    }
    expect([...values]).toEqual([frozen]);
    expect(truth.size).toBeGreaterThan(10);
  });

  it('noise adds a deterministic burst with the given sigma for its duration', () => {
    const run = () => {
      const t = twins();
      t.faulty.injectFault({ address: ADDRESS, kind: 'noise', sigma: 1, durationMs: 120_000 });
      const diffs: number[] = [];
      for (let i = 0; i < 100; i++) diffs.push(both(t, 1000));
      const after = both(t, 30_000);
      return { diffs, after };
    };
    const { diffs, after } = run();
    const sd = Math.sqrt(diffs.reduce((a, d) => a + d * d, 0) / diffs.length);
    expect(sd).toBeGreaterThan(0.7);
    expect(sd).toBeLessThan(1.3);
    expect(after).toBe(0);
    expect(run().diffs).toEqual(diffs);
  });

  it('starts a scheduled fault at its sim time and reports the chosen quality', () => {
    const t = twins();
    const start = t.faulty.time + 10_000;
    t.faulty.injectFault({ address: ADDRESS, kind: 'step', offset: 5, start, durationMs: 20_000, quality: Quality.BadSensorFailure });
    expect(t.faulty.faults()[0]).toMatchObject({ active: false, start, end: start + 20_000 });
    expect(both(t, 9_000)).toBe(0);
    expect(t.faulty.quality(ADDRESS)).toBe(Quality.Good);
    expect(both(t, 1_000)).toBeCloseTo(5, 2);
    expect(t.faulty.quality(ADDRESS)).toBe(Quality.BadSensorFailure);
    expect(both(t, 20_000)).toBe(0);
    expect(t.faulty.quality(ADDRESS)).toBe(Quality.Good);
  });

  it('emits sim.fault events on the signal asset for injection and clearing', () => {
    const t = twins();
    const id = t.faulty.injectFault({ address: ADDRESS, kind: 'step', offset: 1, note: 'test' });
    t.faulty.clearFault(id);
    expect(t.events).toHaveLength(2);
    expect(t.events[0]).toMatchObject({ kind: 'sim.fault', assetPath: 'acme/demo/utilities/chiller1', ts: t.faulty.time, payload: { action: 'injected', faultId: id, address: ADDRESS } });
    expect(t.events[1]).toMatchObject({ kind: 'sim.fault', payload: { action: 'cleared', faultId: id } });
  });

  it('rejects bad specs with typed errors', () => {
    const p = createPlant();
    expect(() => p.injectFault({ address: 'nope', kind: 'stuck' })).toThrow(expect.objectContaining({ code: 'SIM_UNKNOWN_ADDRESS' }));
    expect(() => p.injectFault({ address: ADDRESS, kind: 'drift', ratePerMinute: Number.NaN })).toThrow(expect.objectContaining({ code: 'SIM_INVALID_FAULT' }));
    expect(() => p.injectFault({ address: ADDRESS, kind: 'bogus' } as unknown as FaultSpec)).toThrow(expect.objectContaining({ code: 'SIM_INVALID_FAULT' }));
    expect(() => p.injectFault({ address: ADDRESS, kind: 'step', offset: 1, durationMs: 0 })).toThrow(expect.objectContaining({ code: 'SIM_INVALID_FAULT' }));
  });
});
