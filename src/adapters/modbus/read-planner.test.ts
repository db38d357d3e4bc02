import { describe, expect, it } from 'vitest';
import { planReads, type PlannedItem } from './read-planner.js';
import { decodeRegisters, encodeRegisters } from './register-codec.js';

const hr = (address: number, width = 1): PlannedItem => ({ area: 'holding', address, width });

describe('read planner', () => {
  it('merges contiguous registers into one read and keeps areas apart', () => {
    const plan = planReads([hr(0), hr(1, 2), hr(3, 4), { area: 'input', address: 0, width: 1 }, { area: 'coil', address: 5, width: 1 }, { area: 'coil', address: 6, width: 1 }]);
    expect(plan).toEqual([
      { area: 'holding', start: 0, count: 7, items: [0, 1, 2] },
      { area: 'input', start: 0, count: 1, items: [3] },
      { area: 'coil', start: 5, count: 2, items: [4, 5] },
    ]);
  });

  it('splits at the 125-register limit and never cuts a value in two', () => {
    const items = Array.from({ length: 100 }, (_, i) => hr(i * 2, 2)); // 200 registers of float32
    const plan = planReads(items);
    expect(plan.map((r) => [r.start, r.count])).toEqual([[0, 124], [124, 76]]);
    expect(plan.flatMap((r) => r.items)).toHaveLength(100);
    for (const r of plan) expect(r.count).toBeLessThanOrEqual(125);
  });

  it('bridges gaps only up to maxGap', () => {
    const items = [hr(0), hr(10), hr(40)];
    expect(planReads(items, { maxRegisters: 125, maxBits: 2000, maxGap: 0 })).toHaveLength(3);
    expect(planReads(items, { maxRegisters: 125, maxBits: 2000, maxGap: 9 }).map((r) => r.count)).toEqual([11, 1]);
    expect(planReads(items, { maxRegisters: 125, maxBits: 2000, maxGap: 30 }).map((r) => r.count)).toEqual([41]);
  });

  it('shares a read between a register and bit fields of it, in any input order', () => {
    const plan = planReads([hr(12), hr(10, 2), hr(12), hr(11)]);
    expect(plan).toEqual([{ area: 'holding', start: 10, count: 3, items: [1, 3, 0, 2] }]);
  });

  it('respects a smaller device limit and the 2000-bit limit', () => {
    expect(planReads(Array.from({ length: 10 }, (_, i) => hr(i)), { maxRegisters: 4, maxBits: 2000, maxGap: 0 }).map((r) => r.count)).toEqual([4, 4, 2]);
    const coils = Array.from({ length: 2500 }, (_, i): PlannedItem => ({ area: 'coil', address: i, width: 1 }));
    expect(planReads(coils).map((r) => r.count)).toEqual([2000, 500]);
  });
});

describe('register codec', () => {
  const orders = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

  it('round-trips every type in every order', () => {
    const cases = [
      ['int16', -1234],
      ['uint16', 54321],
      ['int32', -123456789],
      ['uint32', 4000000000],
      ['float32', 21.5],
      ['float64', -1234.5678901234],
    ] as const;
    for (const order of orders) {
      for (const [type, v] of cases) {
        const words = encodeRegisters(v, type, order)!;
        expect(decodeRegisters(words, 0, type, order)).toBe(v);
      }
    }
  });

  it('lays out 32-bit values as vendors do', () => {
    // 0x41AC0000 = 21.5f
    expect(encodeRegisters(21.5, 'float32', 'ABCD')).toEqual([0x41ac, 0x0000]);
    expect(encodeRegisters(21.5, 'float32', 'CDAB')).toEqual([0x0000, 0x41ac]);
    expect(encodeRegisters(21.5, 'float32', 'BADC')).toEqual([0xac41, 0x0000]);
    expect(encodeRegisters(21.5, 'float32', 'DCBA')).toEqual([0x0000, 0xac41]);
    expect(decodeRegisters([0x0001, 0x0002], 0, 'uint32', 'ABCD')).toBe(0x00010002);
    expect(decodeRegisters([0x0001, 0x0002], 0, 'uint32', 'CDAB')).toBe(0x00020001);
  });

  it('refuses values that do not fit the type instead of wrapping', () => {
    expect(encodeRegisters(70000, 'uint16', 'ABCD')).toBeNull();
    expect(encodeRegisters(-1, 'uint32', 'ABCD')).toBeNull();
    expect(encodeRegisters(Number.NaN, 'float32', 'ABCD')).toBeNull();
    expect(encodeRegisters(1e39, 'float32', 'ABCD')).toBeNull();
    expect(encodeRegisters(12.6, 'int16', 'ABCD')).toEqual([13]);
  });
});
