import { describe, expect, it } from 'vitest';
import { capability } from './capability.js';
import { capabilityView } from './capability-view.js';
import { characteristicSchema } from './characteristic-schema.js';
import { PISTON_RINGS } from './published-examples.js';

const samples = PISTON_RINGS.flat().map((value, i) => ({ ts: (i + 1) * 1000, tag: 'ring', value }));
const ring = (spec: object, chart = 'xbar-r') => characteristicSchema.parse({ id: 'ring', name: 'ring', tag: 'ring', chart, subgroup: { size: chart === 'imr' ? 1 : 5 }, spec });

describe('capability view', () => {
  it('gives the indices of the subgroups as the capability study does (within sigma R̄/d2), with the histogram of every value', () => {
    const view = capabilityView(ring({ lsl: 73.95, usl: 74.05 }), samples);
    const direct = capability({ spec: { lsl: 73.95, usl: 74.05 }, subgroups: PISTON_RINGS });
    expect(view).toMatchObject({ n: 125, cp: direct.cp, cpk: direct.cpk, pp: direct.pp, ppk: direct.ppk, cpm: direct.cpm });
    expect(view.cpkCi).toEqual({ lower: direct.cpkInterval!.lower, upper: direct.cpkInterval!.upper, level: 0.95 });
    expect(view.normality?.test).toBe('anderson-darling');
    expect(view.histogram.bins.reduce((n, b) => n + b.count, 0)).toBe(125);
  });

  it('says why instead of giving NaN: no spec limits, an attribute chart, constant data', () => {
    expect(capabilityView(ring({}), samples).notes[0]).toMatch(/no specification limits/);
    expect(capabilityView(characteristicSchema.parse({ id: 'p', name: 'p', tag: 't', chart: 'p', subgroup: { size: 50 } }), []).notes[0]).toMatch(/attribute chart/);
    const flat = capabilityView(ring({ lsl: 9, usl: 11 }, 'imr'), Array.from({ length: 20 }, (_, i) => ({ ts: i, tag: 'ring', value: 10 })));
    expect(flat).toMatchObject({ cp: null, cpk: null, sigmaWithin: 0 });
    expect(flat.notes.some((n) => /constant data/.test(n))).toBe(true);
    expect(JSON.stringify(flat)).not.toMatch(/NaN|Infinity/);
  });
});
