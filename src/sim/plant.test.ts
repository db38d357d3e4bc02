import { describe, expect, it } from 'vitest';
import { COMPRESSOR_BAND, createPlant, MachineState, Plant, SimError } from './index.js';

const MINUTE = 60_000;

function series(plant: Plant, address: string, steps: number, dtMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    plant.step(dtMs);
    out.push(plant.read(address));
  }
  return out;
}

describe('determinism', () => {
  it('replays the same series from the same seed and differs for another seed', () => {
    const addresses = ['line1.filler.product_temp', 'line1.filler.bottles', 'cnc1.lathe.part_diameter', 'utilities.compressor1.pressure'];
    const run = (seed: number) => {
      const p = createPlant({ seed, lines: 2 });
      const rows: number[][] = [];
      for (let i = 0; i < 600; i++) {
        p.step(1000);
        rows.push(addresses.map((a) => p.read(a)));
      }
      return rows;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('does not depend on how the plant is stepped or read', () => {
    const a = createPlant({ seed: 5 });
    const b = createPlant({ seed: 5 });
    a.step(5 * MINUTE);
    for (let i = 0; i < 300; i++) {
      b.step(1000);
      b.read('line1.filler.motor_current');
    }
    for (const s of a.signals()) expect(b.read(s.address), s.address).toBe(a.read(s.address));
  });

  it('keeps line1 the same when lines are added', () => {
    const one = createPlant({ seed: 9, lines: 1 });
    const three = createPlant({ seed: 9, lines: 3 });
    one.step(10 * MINUTE);
    three.step(10 * MINUTE);
    expect(three.read('line1.filler.bottles')).toBe(one.read('line1.filler.bottles'));
    expect(three.read('line1.capper.cap_torque')).toBe(one.read('line1.capper.cap_torque'));
  });
});

describe('physics', () => {
  it('lags the product temperature behind a chiller setpoint change', () => {
    const p = createPlant({ seed: 3 });
    p.step(30 * MINUTE);
    const before = p.read('line1.filler.product_temp');
    p.write('utilities.chiller1.setpoint', 10);
    p.step(MINUTE);
    const after1m = p.read('line1.filler.product_temp');
    expect(after1m - before).toBeLessThan(0.6); // < 10 % of the 6 K step after one minute
    p.step(10 * MINUTE);
    const after11m = p.read('line1.filler.product_temp');
    expect(after11m).toBeGreaterThan(after1m + 1);
    p.step(80 * MINUTE);
    expect(p.read('line1.filler.product_temp')).toBeGreaterThan(10.5);
    expect(p.read('line1.filler.product_temp')).toBeLessThan(13.5);
  });

  it('counts only while running and never counts down', () => {
    const p = createPlant({ seed: 11 });
    const counters = ['line1.filler.bottles', 'line1.capper.caps', 'line1.labeller.labels', 'line1.filler.rejects', 'cnc1.lathe.parts'];
    const states = ['line1.filler.state', 'line1.capper.state', 'line1.labeller.state', 'line1.filler.state', 'cnc1.lathe.state'];
    let last = counters.map((c) => p.read(c));
    const seen = new Set<number>();
    const violations: string[] = [];
    for (let i = 0; i < 4 * 3600 * 10; i++) {
      p.step(100);
      counters.forEach((c, k) => {
        const v = p.read(c);
        const state = p.read(states[k]!);
        seen.add(state);
        if (v < last[k]! || (state !== MachineState.Running && v !== last[k])) violations.push(`${c}=${v} (was ${last[k]}) in state ${state}`);
        last[k] = v;
      });
    }
    expect(violations).toEqual([]);
    // Four hours see random stops (faulted and starved/backed-up machines) and restarts.
    expect(seen).toEqual(new Set([MachineState.Idle, MachineState.Running, MachineState.Faulted]));
    expect(p.read('line1.filler.bottles')).toBeGreaterThan(50_000);
  });

  it('stops the whole line when one machine faults', () => {
    const p = createPlant({ seed: 11 });
    let coupled = 0;
    for (let i = 0; i < 4 * 3600; i++) {
      p.step(1000);
      const s = ['filler', 'capper', 'labeller'].map((m) => p.read(`line1.${m}.state`));
      if (s.includes(MachineState.Faulted)) {
        coupled++;
        for (const x of s) expect([MachineState.Faulted, MachineState.Idle]).toContain(x);
      }
    }
    expect(coupled).toBeGreaterThan(0);
  });

  it('drifts the part diameter upward with tool wear and resets it at the tool change', () => {
    const p = createPlant({ seed: 2 });
    const diameters: number[] = [];
    const wear: number[] = [];
    let lastParts = 0;
    for (let i = 0; i < 3 * 3600; i++) {
      p.step(1000);
      const parts = p.read('cnc1.lathe.parts');
      if (parts !== lastParts) {
        diameters.push(p.read('cnc1.lathe.part_diameter'));
        wear.push(p.read('cnc1.lathe.tool_wear'));
        lastParts = parts;
      }
    }
    // Tool changes are where the wear falls back.
    const changes = wear.flatMap((w, i) => (i > 0 && w < wear[i - 1]! - 50 ? [i] : []));
    expect(changes.length).toBeGreaterThanOrEqual(2);
    const start = changes[0]!;
    const end = changes[1]!;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = avg(diameters.slice(start, start + 10));
    const late = avg(diameters.slice(end - 10, end));
    expect(early).toBeGreaterThan(24.995);
    expect(early).toBeLessThan(25.01);
    expect(late - early).toBeGreaterThan(0.015);
    expect(avg(diameters.slice(end, end + 10))).toBeLessThan(late - 0.015);
    for (const d of diameters) expect(Math.round(d * 1000) / 1000).toBe(d); // 0.001 mm resolution
  });

  it('keeps the compressor pressure within its load/unload band and cycles', () => {
    const p = createPlant({ seed: 4, lines: 3 });
    const values = series(p, 'utilities.compressor1.pressure', 2 * 3600, 1000);
    expect(Math.min(...values)).toBeGreaterThan(COMPRESSOR_BAND[0] - 0.05);
    expect(Math.max(...values)).toBeLessThan(COMPRESSOR_BAND[1] + 0.05);
    const states = new Set(series(p, 'utilities.compressor1.state', 600, 1000));
    expect(states).toEqual(new Set([MachineState.Idle, MachineState.Running]));
  });

  it('rounds values to sensor resolution', () => {
    const p = createPlant({ seed: 1 });
    p.step(MINUTE);
    for (const s of p.signals()) {
      const v = p.read(s.address);
      if (Number.isNaN(v)) continue;
      const decimals = Math.round(-Math.log10(s.resolution));
      expect(Number(v.toFixed(decimals)), s.address).toBe(v);
    }
  });
});

describe('signals and scaling', () => {
  it('lists signals with units, ranges and asset paths', () => {
    const p = createPlant();
    const temp = p.signals().find((s) => s.address === 'line1.filler.product_temp')!;
    expect(temp).toMatchObject({ unit: '°C', type: 'number', resolution: 0.01, assetPath: 'acme/demo/bottling/line1/filler', writable: false });
    expect(p.signals().find((s) => s.address === 'cnc1.lathe.part_diameter')).toMatchObject({ measured: true, resolution: 0.001 });
  });

  it('scales to about 10,000 signals', () => {
    const p = createPlant({ lines: 526 });
    expect(p.signals().length).toBeGreaterThanOrEqual(10_000);
    expect(p.has('line526.labeller.defects')).toBe(true);
    p.step(10_000);
  });

  it('rejects unknown addresses and read-only writes with typed errors', () => {
    const p = createPlant();
    expect(() => p.read('line9.filler.state')).toThrow(expect.objectContaining({ code: 'SIM_UNKNOWN_ADDRESS' }));
    expect(() => p.write('line1.filler.bottles', 1)).toThrow(SimError);
    expect(() => p.write('line1.filler.bottles', 1)).toThrow(expect.objectContaining({ code: 'SIM_NOT_WRITABLE' }));
  });

  it('advanceTo never goes back and skips long gaps', () => {
    const p = createPlant({ startTime: 0, maxCatchUpMs: 5_000 });
    p.advanceTo(3_600_000);
    expect(p.time).toBe(3_600_000);
    p.advanceTo(1_000);
    expect(p.time).toBe(3_600_000);
    p.advanceTo(3_600_150);
    expect(p.time).toBe(3_600_100);
  });
});
