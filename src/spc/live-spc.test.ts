import { describe, expect, it } from 'vitest';
import { Quality, SampleBatchBuilder, TagRegistry, type FabrikEvent, type TagDefinition } from '../core/index.js';
import type { ChartLimits } from './chart-limits.js';
import { chartView } from './chart-view.js';
import { characteristicSchema, type CharacteristicInput } from './characteristic-schema.js';
import { LiveSpc, type SpcHistory, type StoredSample } from './live-spc.js';
import { PISTON_RINGS, toSig } from './published-examples.js';

function tagDef(id: string): TagDefinition {
  return { id, assetPath: 'acme/p1/machining/lathe', point: id, dataType: 'number', unit: 'mm', description: id, retentionClass: 'standard', source: 'test', writable: false };
}

/** A live SPC over a fresh registry, with what it emits and what it was fed (as a store would hold it). */
function rig(inputs: CharacteristicInput[]) {
  const tags = new TagRegistry();
  for (const id of ['ring', 'defects', 'labels', 'lot']) tags.define(tagDef(id));
  const events: FabrikEvent[] = [];
  const stored: StoredSample[] = [];
  const live = new LiveSpc({ characteristics: inputs.map((c) => characteristicSchema.parse(c)), tags, emit: (e) => events.push(e), siteAsset: 'acme/p1' });
  let ts = 0;
  const feed = (id: string, values: readonly number[], opts: { step?: number; quality?: number } = {}) => {
    const b = new SampleBatchBuilder();
    for (const v of values) {
      ts += opts.step ?? 1000;
      b.push(tags.index(id)!, ts, v, opts.quality ?? Quality.Good);
      stored.push({ ts, tag: id, value: v });
    }
    live.process(b.build());
  };
  const history = (): SpcHistory => ({
    events: async ({ kind, limit }) => events.filter((e) => e.kind === kind).sort((a, b) => b.ts - a.ts).slice(0, limit),
    samples: async (ids, r) => {
      const rows = stored.filter((s) => ids.includes(s.tag) && (r.from === undefined || s.ts >= r.from) && (r.to === undefined || s.ts < r.to));
      return r.newest ? rows.slice(-r.limit) : rows.slice(0, r.limit);
    },
  });
  return { live, events, feed, history, stored, tags, kinds: () => events.map((e) => e.kind) };
}

const RING: CharacteristicInput = { id: 'ring', name: 'Piston ring diameter', tag: 'ring', chart: 'xbar-r', subgroup: { size: 5 }, baseline: { mode: 'phase1', subgroups: 25 } };

describe('live SPC', () => {
  it('fixes phase I limits equal to Montgomery’s piston-ring X̄-R example (Table 6.3: CL 74.001, UCL 74.014, LCL 73.988)', () => {
    const { feed, events } = rig([RING]);
    feed('ring', PISTON_RINGS.flat());
    expect(events.map((e) => e.kind)).toEqual(['spc.limits.established']);
    const l = events[0]!.payload['limits'] as ChartLimits;
    expect([toSig(l.center, 5), toSig(l.ucl, 5), toSig(l.lcl, 5)]).toEqual([74.001, 74.014, 73.988]);
    expect(toSig(l.secondary!.center, 2)).toBe(0.023);
    expect(events[0]).toMatchObject({ tag: 'ring', assetPath: 'acme/p1/machining/lathe', payload: { characteristic: 'ring', baselineViolations: 0 } });
  });

  it('reports a subgroup beyond the limits as one violation event naming the rule, chart and points', () => {
    const { feed, events, live } = rig([RING]);
    feed('ring', PISTON_RINGS.flat());
    feed('ring', [74.03, 74.031, 74.029, 74.032, 74.03]);
    const v = events.at(-1)!;
    expect(v.kind).toBe('spc.violation');
    expect(v.ts).toBe(130_000);
    expect(v.message).toMatch(/^Piston ring diameter: WE1: one point beyond 3σ/);
    const rules = v.payload['rules'] as { rule: string; chart: string; points: number[] }[];
    expect(rules[0]).toEqual({ rule: 'we1', chart: 'Xbar', message: 'WE1: one point beyond 3σ', points: [130_000] });
    expect(live.statuses()[0]).toMatchObject({ status: 'out-of-control', lastViolation: { rule: 'we1', ts: 130_000 } });
  });

  it('names every point of a run pattern by its time (WE4: 8 in a row above the centre)', () => {
    const { feed, events } = rig([{ id: 'i', name: 'I', tag: 'ring', chart: 'imr', baseline: { mode: 'fixed', center: 10, ucl: 13, lcl: 7 } }]);
    feed('ring', [10.5, 10.2, 10.4, 10.1, 10.3, 10.6, 10.2]);
    expect(events).toEqual([]);
    feed('ring', [10.4]);
    const rules = events[0]!.payload['rules'] as { rule: string; points: number[] }[];
    expect(rules).toEqual([expect.objectContaining({ rule: 'we4', chart: 'I', points: [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000] })]);
  });

  it('skips bad-quality and missing values, never plotting NaN', () => {
    const { feed, events, live } = rig([{ id: 'i', name: 'I', tag: 'ring', chart: 'imr', baseline: { mode: 'fixed', center: 10, ucl: 13, lcl: 7 } }]);
    feed('ring', [100], { quality: Quality.Bad });
    feed('ring', [Number.NaN]);
    expect(events).toEqual([]);
    expect(live.evaluated).toBe(0);
  });

  it('plots a p-chart from two counters: one point per 100 units, a counter reset restarts counting', () => {
    const { feed, events, tags, live } = rig([{ id: 'labels', name: 'Label defects', tag: 'defects', sizeTag: 'labels', chart: 'p', subgroup: { size: 100 }, baseline: { mode: 'fixed', center: 0.02, ucl: 0.062, lcl: 0 } }]);
    const poll = (labels: number, defects: number) => {
      const b = new SampleBatchBuilder();
      b.push(tags.index('labels')!, labels * 10, labels, Quality.Good);
      b.push(tags.index('defects')!, labels * 10, defects, Quality.Good);
      live.process(b.build());
    };
    poll(1000, 50); // where counting starts
    poll(1060, 51);
    poll(1110, 60); // 110 labels, 10 defects: p = 0.0909 > UCL
    poll(5, 0); // reset
    poll(50, 1);
    poll(150, 2);
    expect(events.map((e) => (e.payload['point'] as { value: number }).value)).toEqual([10 / 110]);
    const view = chartView(live.runners.get('labels')!.c, [], live.runners.get('labels')!.limits);
    expect(view.charts.map((c) => [c.name, c.points.length])).toEqual([['p', 0]]);
  });

  it('forms subgroups per part id from a text tag, interleaved parts included, live and in the chart view', () => {
    const { live, tags, events } = rig([{ id: 'lots', name: 'Lot weight', tag: 'ring', partTag: 'lot', chart: 'xbar-r', subgroup: { size: 2, mode: 'part-id' }, baseline: { mode: 'fixed', center: 10, ucl: 13, lcl: 7, sigma: 2 } }]);
    const stored: StoredSample[] = [];
    const b = new SampleBatchBuilder();
    const put = (lot: string, ts: number, v: number) => {
      b.pushText(tags.index('lot')!, ts, lot, Quality.Good);
      b.push(tags.index('ring')!, ts, v, Quality.Good);
      stored.push({ ts, tag: 'lot', value: Number.NaN, text: lot }, { ts, tag: 'ring', value: v });
    };
    put('A', 1, 10);
    put('B', 2, 20);
    put('A', 3, 11);
    put('B', 4, 22);
    live.process(b.build());
    // Lot A (10, 11) is in control; lot B (20, 22) has a mean of 21, beyond the UCL.
    expect(events.map((e) => (e.payload['point'] as { value: number }).value)).toEqual([21]);
    const r = live.runners.get('lots')!;
    expect(chartView(r.c, stored, r.limits).charts[0]!.points.map((p) => p.value)).toEqual([10.5, 21]);
    expect(characteristicSchema.safeParse({ id: 'x', name: 'x', tag: 'ring', chart: 'xbar-r', subgroup: { size: 2, mode: 'part-id' } }).error?.issues[0]?.message).toMatch(/needs partTag/);
  });

  it('charts an inspection source (a camera) from its reject and inspected counters', () => {
    const c = characteristicSchema.parse({ id: 'cam', name: 'Camera rejects', inspection: 'camera1', chart: 'p', subgroup: { size: 25 } });
    expect(c).toMatchObject({ tag: 'camera1.rejects', sizeTag: 'camera1.inspected' });
    expect(characteristicSchema.parse(c)).toEqual(c);
    expect(characteristicSchema.safeParse({ id: 'cam', name: 'x', inspection: 'camera1', chart: 'xbar-r', subgroup: { size: 5 } }).error?.issues[0]?.message).toMatch(/use chart p/);
  });

  it('restores limits after a restart and continues a run in progress, without repeating old violations', async () => {
    const first = rig([RING]);
    first.feed('ring', PISTON_RINGS.flat());
    first.feed('ring', [74.03, 74.031, 74.029, 74.032, 74.03]); // a violation, stored
    first.feed('ring', Array.from({ length: 6 }, () => [74.004, 74.006, 74.005, 74.004, 74.006]).flat()); // 6 subgroups above the centre
    const before = first.events.length;

    const second = rig([RING]);
    second.stored.push(...first.stored);
    second.events.push(...first.events);
    await second.live.restore(second.history());
    expect(second.events.length).toBe(before);
    const runner = second.live.runners.get('ring')!;
    expect(runner.limits?.center).toBe((first.events[0]!.payload['limits'] as ChartLimits).center);
    expect(runner.lastViolation?.rule).toBe('we1');
    // Point 8 of the run above the centre (the violating subgroup counts as one) fires WE4 only after the restart.
    second.feed('ring', [74.005, 74.004, 74.006, 74.005, 74.004]);
    const fresh = second.events.slice(before);
    expect(fresh.map((e) => e.kind)).toEqual(['spc.violation']);
    expect((fresh[0]!.payload['rules'] as { rule: string }[]).map((r) => r.rule)).toContain('we4');
  });

  it('does not restore limits computed for a different definition (the config changed)', async () => {
    const first = rig([RING]);
    first.feed('ring', PISTON_RINGS.flat());
    const second = rig([{ ...RING, subgroup: { size: 4 } }]);
    second.events.push(...first.events);
    await second.live.restore(second.history());
    expect(second.live.runners.get('ring')!.limits).toBeUndefined();
    expect(second.live.statuses()[0]!.status).toBe('baseline');
  });

  it('records an engineer’s limits as an audited event with the previous ones', () => {
    const { feed, live, events } = rig([RING]);
    feed('ring', PISTON_RINGS.flat());
    const limits = { ...(events[0]!.payload['limits'] as ChartLimits), center: 74, source: 'fixed' as const };
    const e = live.changeLimits('ring', limits, { actor: 'eve (t9)', reason: 'limits entered', comment: 'new gauge' });
    expect(e).toMatchObject({ kind: 'spc.limits.changed', payload: { characteristic: 'ring', actor: 'eve (t9)', comment: 'new gauge', limits: { center: 74 } } });
    expect((e.payload['previous'] as ChartLimits).center).toBeCloseTo(74.001, 3);
  });
});

describe('chart view', () => {
  it('gives X̄ and R panels with zones and marks the violating point, from stored samples', () => {
    const { feed, stored, live } = rig([RING]);
    feed('ring', PISTON_RINGS.flat());
    feed('ring', [74.03, 74.031, 74.029, 74.032, 74.03]);
    const r = live.runners.get('ring')!;
    const view = chartView(r.c, stored, r.limits);
    expect(view.limits).toBe('live');
    expect(view.charts.map((c) => c.name)).toEqual(['Xbar', 'R']);
    const x = view.charts[0]!;
    expect(x.points).toHaveLength(26);
    expect(x.zones!.aHigh).toBeCloseTo(x.ucl, 12);
    expect(x.points.at(-1)!.violations).toEqual(['we1']);
    expect(view.violations).toEqual([expect.objectContaining({ rule: 'we1', chart: 'Xbar', ts: 130_000, name: 'Western Electric 1' })]);
    for (const p of view.charts.flatMap((c) => c.points)) expect(Number.isFinite(p.value)).toBe(true);
  });

  it('uses trial limits of the shown data while phase I runs, and none with too little data', () => {
    const { feed, stored, live } = rig([RING]);
    feed('ring', PISTON_RINGS.flat().slice(0, 50));
    const r = live.runners.get('ring')!;
    expect(r.limits).toBeUndefined();
    expect(chartView(r.c, stored, undefined).limits).toBe('trial');
    expect(chartView(r.c, stored.slice(0, 6), undefined)).toMatchObject({ limits: 'none', charts: [] });
  });
});
