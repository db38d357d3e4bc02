import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('passes increasing timestamps and drops repeats', () => {
    const l = new DeliveryLedger(1);
    expect(l.admit(0, 100, 100)).toBe(100);
    expect(l.admit(0, 100, 101)).toBeNaN();
    expect(l.admit(0, 90, 101)).toBeNaN();
    expect(l.admit(0, 110, 111)).toBe(110);
    expect(l.duplicates).toBe(2);
  });

  it('marks one gap per outage and places the value read after it after the marker', () => {
    const l = new DeliveryLedger(2);
    l.admit(0, 100, 100);
    expect(l.markGap(0, 200)).toBe(200);
    expect(l.markGap(0, 300)).toBeNaN();
    // The server resends the value it held since 100: recorded when it was read back.
    expect(l.admit(0, 100, 400)).toBe(400);
    expect(l.admit(0, 100, 401)).toBeNaN();
    // A value that changed during the outage keeps its own time.
    l.markGap(0, 500);
    expect(l.admit(0, 550, 600)).toBe(550);
    expect(l.gaps).toBe(2);
  });

  it('never puts a marker at or before a delivered sample', () => {
    const l = new DeliveryLedger(1);
    l.admit(0, 1000, 1000);
    expect(l.markGap(0, 900)).toBeGreaterThan(1000);
  });
});
