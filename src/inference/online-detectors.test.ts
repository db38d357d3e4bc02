import { describe, expect, it } from 'vitest';
import { batchFromSamples, Quality, SampleBatchBuilder, TagRegistry, type FabrikEvent, type TagDefinition } from '../core/index.js';
import { Prng } from '../sim/index.js';
import { detectorSchema } from './inference-config.js';
import { OnlineDetectors } from './online-detectors.js';
import { RobustZBank, type RobustZSettings } from './robust-z-detector.js';
import { SeasonalBank, timeBin } from './seasonal-detector.js';

const SETTINGS: RobustZSettings = { halfLifeMs: 600_000, warmup: 60, clip: 3, minScale: 0, stuck: true };

/** Feeds a series at 1 Hz and returns the scores. */
function scores(series: number[], settings = SETTINGS): number[] {
  const bank = new RobustZBank();
  const slot = bank.add(settings);
  return series.map((v, i) => bank.update(slot, i * 1000, v));
}

function noise(n: number, seed = 1, sigma = 1, mean = 50): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => Math.round((mean + rng.normal(0, sigma)) * 1000) / 1000);
}

const maxOf = (xs: number[]): number => Math.max(...xs.filter((x) => !Number.isNaN(x)));

describe('robust z-score with an EWMA baseline', () => {
  it('stays quiet on noise, warms up first, and flags a step of 10 σ on its first sample', () => {
    const series = [...noise(600), ...noise(60, 2).map((v) => v + 10)];
    const s = scores(series);
    expect(s.slice(0, 60).every(Number.isNaN)).toBe(true);
    expect(maxOf(s.slice(60, 600))).toBeLessThan(5.5);
    expect(s[600]).toBeGreaterThan(7);
    // The clipped baseline absorbs a lasting step only slowly: it is still flagged a minute later.
    expect(s[659]).toBeGreaterThan(6);
  });

  it('scores a single spike high and the next sample low again: the spike does not drag the baseline', () => {
    const series = noise(400);
    series[300] = 50 + 15;
    const s = scores(series);
    expect(s[300]).toBeGreaterThan(12);
    expect(s[301]).toBeLessThan(4);
  });

  it('catches a slow drift once it has moved several σ', () => {
    const series = noise(1500).map((v, i) => (i >= 600 ? v + (i - 600) * 0.02 : v));
    const s = scores(series);
    const first = s.findIndex((x, i) => i >= 600 && x > 6);
    expect(first).toBeGreaterThan(600);
    // 6 σ above the baseline needs the drift to have covered at least 6 units (300 s at 0.02/s).
    expect(first - 600).toBeGreaterThan(250);
    expect(first - 600).toBeLessThan(700);
  });

  it('flags a stuck value as √(2·t/τ) once it stops changing', () => {
    const series = noise(300);
    for (let i = 200; i < 300; i++) series[i] = series[199]!;
    const s = scores(series);
    expect(maxOf(s.slice(60, 200))).toBeLessThan(5.5);
    const first = s.findIndex((x, i) => i >= 200 && x > 6);
    // τ ≈ 1 s (every sample changes): √(2t) > 6 after 18 s.
    expect(first - 199).toBeGreaterThanOrEqual(17);
    expect(first - 199).toBeLessThanOrEqual(20);
    expect(scores(series, { ...SETTINGS, stuck: false }).slice(200).every((x) => x < 6)).toBe(true);
  });
});

describe('seasonal baseline', () => {
  it('learns a daily profile and flags a value normal at noon but not at midnight', () => {
    const bank = new SeasonalBank();
    const slot = bank.add({ bins: 24, halfLifeSamples: 50, warmup: 10, clip: 3, minScale: 0 });
    const rng = new Prng(3);
    const day = 86_400_000;
    const profile = (ts: number): number => 20 + 10 * Math.sin((2 * Math.PI * ts) / day);
    let quiet = 0;
    for (let ts = 0; ts < 20 * day; ts += 600_000) {
      const z = bank.update(slot, timeBin(ts, day, 24), profile(ts) + rng.normal(0, 0.3));
      if (ts > 5 * day && !Number.isNaN(z)) quiet = Math.max(quiet, z);
    }
    expect(quiet).toBeLessThan(6);
    const midnight = 20 * day + 600_000;
    const sixAm = 20 * day + day / 4;
    // 30 is what 6 am looks like; at midnight (bin 0, profile ≈ 20) it is far off.
    expect(bank.update(slot, timeBin(midnight, day, 24), profile(sixAm))).toBeGreaterThan(10);
    expect(bank.update(slot, timeBin(sixAm, day, 24), profile(sixAm))).toBeLessThan(4);
  });
});

function tag(id: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return { id, assetPath: 'acme/p1/line1/filler', point: id.split('.').at(-1)!, dataType: 'number', unit: '°C', description: '', retentionClass: 'standard', source: 'line1', writable: false, ...extra };
}

describe('online detectors on stored batches', () => {
  it('defines "<tag>.anomaly_score", scores every sample, raises one anomaly naming the tag and clears it', () => {
    const tags = new TagRegistry();
    const temp = tags.define(tag('line1.filler.temp'));
    const events: FabrikEvent[] = [];
    const d = new OnlineDetectors({ detectors: [detectorSchema.parse({ type: 'robust-z', name: 'temps', tags: ['line1.filler.temp'], warmup: 30 })], tags, emit: (e) => events.push(e) });
    const score = tags.index('line1.filler.temp.anomaly_score')!;
    expect(tags.get(score)).toMatchObject({ source: 'inference', assetPath: 'acme/p1/line1/filler' });
    const series = noise(200);
    for (let i = 120; i < 130; i++) series[i] = series[i]! + 20;
    const out = new SampleBatchBuilder();
    d.process(batchFromSamples(series.map((v, i) => ({ tag: temp, ts: 1_700_000_000_000 + i * 1000, value: v, quality: Quality.Good }))), out);
    const b = out.build();
    expect(b.length).toBe(200 - 30);
    expect([...b.tag].every((t) => t === score)).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(['anomaly', 'anomaly.cleared']);
    expect(events[0]).toMatchObject({ tag: 'line1.filler.temp', ts: 1_700_000_000_000 + 120_000, payload: { detector: 'temps', tags: ['line1.filler.temp'], reason: 'level' } });
    expect(d.live()[0]).toMatchObject({ tag: 'line1.filler.temp', active: false });
    expect(d.health()['detector.temps']!.state).toBe('up');
    d.close();
  });

  it('pauses while the machine is not running, and waits (degraded) for a tag nobody defined yet', () => {
    const tags = new TagRegistry();
    const temp = tags.define(tag('line1.filler.temp'));
    const state = tags.define(tag('line1.filler.state', { dataType: 'integer' }));
    const events: FabrikEvent[] = [];
    const d = new OnlineDetectors({
      detectors: [detectorSchema.parse({ type: 'robust-z', name: 'temps', tags: ['line1.filler.temp', 'line1.filler.later'], warmup: 30, when: { tag: 'line1.filler.state', in: [2] } })],
      tags,
      emit: (e) => events.push(e),
    });
    expect(d.health()['detector.temps']).toMatchObject({ state: 'degraded', message: expect.stringContaining('line1.filler.later') });
    const series = noise(200);
    const samples = series.flatMap((v, i) => {
      const stopped = i >= 100 && i < 150;
      return [
        { tag: state, ts: i * 1000, value: stopped ? 1 : 2, quality: Quality.Good },
        // While stopped, the product temperature walks away: no anomaly, it is not running.
        { tag: temp, ts: i * 1000, value: stopped ? v + 30 : v, quality: Quality.Good },
      ];
    });
    const out = new SampleBatchBuilder();
    d.process(batchFromSamples(samples), out);
    expect(events).toEqual([]);
    expect(out.length).toBe(150 - 30);
    tags.define(tag('line1.filler.later'));
    expect(d.health()['detector.temps']!.state).toBe('up');
    d.close();
  });
});
